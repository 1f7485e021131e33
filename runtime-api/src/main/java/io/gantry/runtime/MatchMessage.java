package io.gantry.runtime;

/**
 * Data a player sent to an authoritative match, handed to {@link MatchHandler#loop} at the next
 * tick. The array belongs to the handler once received.
 *
 * @param sender        who sent it
 * @param opCode        the application's op code
 * @param data          the payload (may be empty)
 * @param reliable      whether the client asked for reliable delivery
 * @param receiveTimeMs when the server received it (epoch milliseconds)
 */
public record MatchMessage(Presence sender, long opCode, byte[] data, boolean reliable, long receiveTimeMs) {
}
