package io.gantry.core.tracker;

/**
 * Told of every membership change of a stream of the mode it observes, after the change, so its
 * subsystem can publish a view of the members for other threads. Router thread.
 */
@FunctionalInterface
public interface MembershipObserver {

    /**
     * @param members the stream's members now (empty when the last one left)
     * @param removal whether a member left (rather than joined or changed)
     */
    void membershipChanged(Stream stream, StreamMembers members, boolean removal);
}
