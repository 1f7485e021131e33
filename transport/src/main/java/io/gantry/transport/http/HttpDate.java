package io.gantry.transport.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.CombinedHttpHeaders;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;

import java.util.Date;

/**
 * Gives every HTTP answer an RFC 1123 {@code Date} header, as Go's {@code net/http} (and so Nakama)
 * does: the API's answers and the CORS preflights alike. It sits in front of Netty's CORS handler,
 * whose own preflight Date would come out quoted (its single-field headers quote any value holding
 * a comma). Removed from the pipeline when a socket upgrades. Stateless: one instance serves every
 * channel.
 */
@ChannelHandler.Sharable
public final class HttpDate extends ChannelOutboundHandlerAdapter {

    public static final HttpDate INSTANCE = new HttpDate();

    private HttpDate() {
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof FullHttpResponse full && full.headers() instanceof CombinedHttpHeaders) {
            // the CORS handler's preflight: the same answer with plain headers, so the date is bare
            DefaultHttpHeaders plain = new DefaultHttpHeaders();
            plain.set(full.headers());
            msg = new DefaultFullHttpResponse(full.protocolVersion(), full.status(), full.content(), plain,
                    full.trailingHeaders());
        }
        if (msg instanceof HttpResponse response) {
            response.headers().set(HttpHeaderNames.DATE, DateFormatter.format(new Date()));
        }
        super.write(ctx, msg, promise);
    }
}
