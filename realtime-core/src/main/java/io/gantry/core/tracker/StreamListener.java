package io.gantry.core.tracker;

/**
 * Told when a member leaves a stream because its session ended, so the subsystem that owns the
 * stream's mode can tell the others (a leave event, a new party leader, …). Router thread.
 */
@FunctionalInterface
public interface StreamListener {
    void onDisconnectLeave(StreamMembers remaining, Presence left);
}
