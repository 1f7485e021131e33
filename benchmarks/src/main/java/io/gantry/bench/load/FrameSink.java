package io.gantry.bench.load;

/** What a {@link Wire} decoder finds in a received frame. */
interface FrameSink {
    /** An envelope carrying a cid: the reply to one of this user's requests. */
    void onReply(long cid, Reply reply);

    /** Match data; {@code sentNs} is {@link Long#MIN_VALUE} when the data is not ours. */
    void onMatchData(long sentNs, long seq);

    /** A chat message; {@code sentNs} is {@link Long#MIN_VALUE} when the content is not ours. */
    void onChannelMessage(long sentNs, long seq);

    /** One join of a status presence event whose status is a send time. */
    void onStatusJoin(long sentNs);

    void onMatchmakerMatched();

    /** An error envelope without a cid. */
    void onError(int code, String message);

    /** Anything else (presence events, acks without cid, notifications…). */
    void onOther();
}
