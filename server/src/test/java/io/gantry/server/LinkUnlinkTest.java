package io.gantry.server;

import com.google.gson.JsonObject;
import io.gantry.server.testing.TestServer;
import io.gantry.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static io.gantry.server.AccountRequests.account;
import static io.gantry.server.Rest.assertError;
import static io.gantry.server.Rest.assertOk;
import static io.gantry.server.Rest.emailBody;
import static io.gantry.server.Rest.idBody;
import static io.gantry.server.Rest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** POST /v2/account/link/* and /v2/account/unlink/*: Nakama's rules, statuses and messages. */
class LinkUnlinkTest {

    static final String LAST = "Cannot unlink last account identifier. Check profile exists and is not last link.";
    static TestServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 16);
    }

    private static HttpResponse<String> post(String path, TestUser user, String body) {
        return server.postWithToken(path, user.token(), body);
    }

    private static String authenticate(String kind, String body) {
        HttpResponse<String> r = server.postWithServerKey("/v2/account/authenticate/" + kind + "?create=false", body);
        assertOk(r);
        return TestUser.fromSession(json(r).get("token").getAsString(), json(r).get("refresh_token").getAsString()).userId();
    }

    @Test
    void linkedIdentifiersAuthenticateTheSameAccount() {
        TestUser user = server.newUser();
        String device = unique("dev");
        String custom = unique("cust");
        String email = unique("Mixed") + "@Example.COM";
        assertOk(post("/v2/account/link/device", user, idBody(device)));
        assertOk(post("/v2/account/link/device", user, idBody(device)));   // already mine
        assertOk(post("/v2/account/link/custom", user, idBody(custom)));
        assertOk(post("/v2/account/link/email", user, emailBody(email, "password1")));
        assertEquals(user.userId(), authenticate("device", idBody(device)));
        assertEquals(user.userId(), authenticate("custom", idBody(custom)));
        assertEquals(user.userId(), authenticate("email", emailBody(email.toLowerCase(java.util.Locale.ROOT), "password1")));

        JsonObject account = account(server, user);
        assertEquals(email.toLowerCase(java.util.Locale.ROOT), account.get("email").getAsString());
        assertEquals(custom, account.get("custom_id").getAsString());
        List<String> devices = account.getAsJsonArray("devices").asList().stream()
                .map(d -> d.getAsJsonObject().get("id").getAsString()).toList();
        assertEquals(devices.stream().sorted().toList(), devices, "devices are listed by id");
        assertEquals(2, devices.size());

        // a second custom id and email replace the first
        String custom2 = unique("cust2");
        assertOk(post("/v2/account/link/custom", user, idBody(custom2)));
        assertError(server.postWithServerKey("/v2/account/authenticate/custom?create=false", idBody(custom)),
                404, 5, "User account not found.");
        assertOk(post("/v2/account/link/email", user, emailBody(email, "otherpass1")));
        assertError(server.postWithServerKey("/v2/account/authenticate/email?create=false", emailBody(email, "password1")),
                401, 16, "Invalid credentials.");
        assertEquals(user.userId(), authenticate("email", emailBody(email, "otherpass1")));
    }

    @Test
    void anIdentifierOfAnotherAccountIsInUse() {
        TestUser owner = server.newUser();
        String custom = unique("cust");
        String email = unique("m") + "@example.com";
        assertOk(post("/v2/account/link/custom", owner, idBody(custom)));
        assertOk(post("/v2/account/link/email", owner, emailBody(email, "password1")));
        String ownerDevice = account(server, owner).getAsJsonArray("devices").get(0).getAsJsonObject().get("id").getAsString();

        TestUser user = server.newUser();
        JsonObject before = account(server, user);
        assertError(post("/v2/account/link/device", user, idBody(ownerDevice)), 409, 6, "Device ID already in use.");
        assertError(post("/v2/account/link/custom", user, idBody(custom)), 409, 6, "Custom ID is already in use.");
        assertError(post("/v2/account/link/email", user, emailBody(email.toUpperCase(java.util.Locale.ROOT), "password1")),
                409, 6, "Email is already in use.");
        assertEquals(before, account(server, user));
        assertEquals(owner.userId(), authenticate("custom", idBody(custom)));
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> badLinks() {
        return Stream.of(
                arguments("device", "{}", "Device ID is required."),
                arguments("device", idBody(""), "Device ID is required."),
                arguments("device", idBody("short"), "Device ID invalid, must be 10-128 bytes."),
                arguments("device", idBody("q".repeat(129)), "Device ID invalid, must be 10-128 bytes."),
                arguments("device", idBody("has space d-0123456789"), "Device ID invalid, no spaces or control characters allowed."),
                arguments("device", idBody("tab\there-d-0123456789"), "Device ID invalid, no spaces or control characters allowed."),
                arguments("custom", "{}", "Custom ID is required."),
                arguments("custom", idBody("abcde"), "Invalid custom ID, must be 6-128 bytes."),
                arguments("custom", idBody("c".repeat(129)), "Invalid custom ID, must be 6-128 bytes."),
                arguments("custom", idBody("has space c-0123"), "Invalid custom ID, no spaces or control characters allowed."),
                arguments("email", emailBody("", "password1"), "Email address and password is required."),
                arguments("email", "{\"email\":\"m-0123456789@example.com\"}", "Email address and password is required."),
                arguments("email", emailBody("a b@example.com", "password1"), "Invalid email address, no spaces or control characters allowed."),
                arguments("email", emailBody("m-0123456789@example.com", "1234567"), "Password must be at least 8 characters long."),
                arguments("email", emailBody("notanemail", "password1"), "Invalid email address format."),
                arguments("email", emailBody("a@b", "password1"), "Invalid email address format."),
                arguments("email", emailBody("a@b.c", "password1"), "Invalid email address, must be 10-255 bytes."),
                arguments("email", emailBody("e".repeat(250) + "@x.com", "password1"), "Invalid email address, must be 10-255 bytes."),
                arguments("device", "nope", null));
    }

    @ParameterizedTest
    @MethodSource("badLinks")
    void aBadLinkIsRefusedAndChangesNothing(String kind, String body, String message) {
        TestUser user = server.newUser();
        JsonObject before = account(server, user);
        assertError(post("/v2/account/link/" + kind, user, body), 400, 3, message);
        assertEquals(before, account(server, user));
    }

    @Test
    void unlinkingRemovesAnIdentifierButNeverTheLast() {
        TestUser user = server.newUser();
        String device = account(server, user).getAsJsonArray("devices").get(0).getAsJsonObject().get("id").getAsString();
        String second = unique("dev");
        String custom = unique("cust");
        String email = unique("m") + "@example.com";
        assertOk(post("/v2/account/link/device", user, idBody(second)));
        assertOk(post("/v2/account/link/custom", user, idBody(custom)));
        assertOk(post("/v2/account/link/email", user, emailBody(email, "password1")));
        TestUser other = server.newUser();
        String othersDevice = account(server, other).getAsJsonArray("devices").get(0).getAsJsonObject().get("id").getAsString();

        assertError(post("/v2/account/unlink/device", user, idBody(othersDevice)), 403, 7, LAST);
        assertError(post("/v2/account/unlink/device", user, idBody("short")), 403, 7, LAST);
        assertError(post("/v2/account/unlink/custom", user, idBody("nosuch-" + custom)), 403, 7, LAST);
        assertError(post("/v2/account/unlink/device", user, idBody("")), 400, 3, "A device ID must be supplied.");

        // the password is not checked, the email is compared lower-cased
        assertOk(post("/v2/account/unlink/email", user, emailBody(email.toUpperCase(java.util.Locale.ROOT), "wrongpass")));
        assertError(server.postWithServerKey("/v2/account/authenticate/email?create=false", emailBody(email, "password1")),
                404, 5, "User account not found.");
        assertOk(post("/v2/account/unlink/custom", user, idBody(custom)));
        assertError(post("/v2/account/unlink/custom", user, idBody(custom)), 403, 7, LAST);
        assertOk(post("/v2/account/unlink/custom", user, idBody("")));   // "" with nothing linked: done, as Nakama
        assertOk(post("/v2/account/unlink/device", user, idBody(second)));
        assertError(server.postWithServerKey("/v2/account/authenticate/device?create=false", idBody(second)),
                404, 5, "User account not found.");

        JsonObject before = account(server, user);
        assertError(post("/v2/account/unlink/device", user, idBody(device)), 403, 7, LAST);
        assertEquals(before, account(server, user));
        assertFalse(before.has("email"));
        assertFalse(before.has("custom_id"));
        assertEquals(1, before.getAsJsonArray("devices").size());
        assertEquals(other.userId(), authenticate("device", idBody(othersDevice)));
    }
}
