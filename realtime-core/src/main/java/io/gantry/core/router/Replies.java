package io.gantry.core.router;

import com.heroiclabs.nakama.rtapi.Envelope;
import com.heroiclabs.nakama.rtapi.Error;

/** Builders for the envelopes every subsystem answers with. */
public final class Replies {

    private Replies() {
    }

    public static Envelope error(String cid, Error.Code code, String message) {
        return error(cid, code.getNumber(), message);
    }

    public static Envelope error(String cid, int code, String message) {
        return Envelope.newBuilder()
                .setCid(cid == null ? "" : cid)
                .setError(Error.newBuilder().setCode(code).setMessage(message))
                .build();
    }

    public static Envelope badInput(Envelope request, String message) {
        return error(request.getCid(), Error.Code.BAD_INPUT, message);
    }
}
