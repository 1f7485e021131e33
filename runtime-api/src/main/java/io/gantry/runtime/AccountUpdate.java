package io.gantry.runtime;

/**
 * Changes to an account, as {@code PUT /v2/account} sends them: a null field stays as it is, an
 * empty one is cleared (the username cannot be cleared). {@code metadata} (a JSON object) can be
 * changed by server code only; a client's update always has it null.
 *
 * <pre>{@code
 * server.accounts().update(userId, AccountUpdate.none().withDisplayName("Ada").withLangTag("fr"));
 * }</pre>
 */
public record AccountUpdate(String username, String displayName, String avatarUrl, String langTag,
                            String location, String timezone, String metadata) {

    /** An update that changes nothing, to start from. */
    public static AccountUpdate none() {
        return new AccountUpdate(null, null, null, null, null, null, null);
    }

    public AccountUpdate withUsername(String value) {
        return new AccountUpdate(value, displayName, avatarUrl, langTag, location, timezone, metadata);
    }

    public AccountUpdate withDisplayName(String value) {
        return new AccountUpdate(username, value, avatarUrl, langTag, location, timezone, metadata);
    }

    public AccountUpdate withAvatarUrl(String value) {
        return new AccountUpdate(username, displayName, value, langTag, location, timezone, metadata);
    }

    public AccountUpdate withLangTag(String value) {
        return new AccountUpdate(username, displayName, avatarUrl, value, location, timezone, metadata);
    }

    public AccountUpdate withLocation(String value) {
        return new AccountUpdate(username, displayName, avatarUrl, langTag, value, timezone, metadata);
    }

    public AccountUpdate withTimezone(String value) {
        return new AccountUpdate(username, displayName, avatarUrl, langTag, location, value, metadata);
    }

    public AccountUpdate withMetadata(String value) {
        return new AccountUpdate(username, displayName, avatarUrl, langTag, location, timezone, value);
    }
}
