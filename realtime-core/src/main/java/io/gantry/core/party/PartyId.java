package io.gantry.core.party;

import io.gantry.core.Uuids;

import io.gantry.core.tracker.Stream;

import java.util.UUID;

/**
 * A party's id as clients see it, {@code <uuid>.<node>}, and the tracker stream that holds its
 * members: mode {@link Stream#MODE_PARTY}, subject = the uuid, label = the node that hosts it.
 *
 * @param uuid the party's uuid, lower case
 * @param node the name of the node hosting the party
 */
public record PartyId(String uuid, String node) {

    /** A party id that cannot be parsed; its message is meant for the client. */
    public static final class InvalidPartyIdException extends Exception {
        InvalidPartyIdException(String message) {
            super(message, null, false, false);
        }
    }

    /** A new random party on a node. */
    public static PartyId random(String node) {
        return new PartyId(UUID.randomUUID().toString(), node);
    }

    /** Parses {@code <uuid>.<node>}; the uuid must be in its canonical lower-case form. */
    public static PartyId parse(String id) throws InvalidPartyIdException {
        int dot = id.indexOf('.');
        if (dot < 0 || dot == id.length() - 1 || !Uuids.isCanonical(id.substring(0, dot))) {
            throw new InvalidPartyIdException("Invalid party id '" + shorten(id) + "': expected <uuid>.<node>.");
        }
        return new PartyId(id.substring(0, dot), id.substring(dot + 1));
    }

    /** The party of a party stream. */
    public static PartyId of(Stream stream) {
        return new PartyId(stream.subject(), stream.label());
    }

    /** The id clients use. */
    public String id() {
        return uuid + "." + node;
    }

    public Stream stream() {
        return new Stream(Stream.MODE_PARTY, uuid, "", node);
    }

    @Override
    public String toString() {
        return id();
    }

    static String shorten(String value) {
        return value.length() > 80 ? value.substring(0, 80) + "…" : value;
    }
}
