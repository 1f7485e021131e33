package io.gantry.transport.http;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.CombinedHttpHeaders;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Every HTTP answer leaves with a bare RFC 1123 date, the CORS preflight's combined headers too. */
class HttpDateTest {

    @Test
    void anAnswerGetsAnRfc1123Date() {
        EmbeddedChannel channel = new EmbeddedChannel(HttpDate.INSTANCE);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        channel.writeOutbound(response);
        FullHttpResponse written = channel.readOutbound();
        assertSame(response, written, "plain headers are dated in place");
        String date = written.headers().get(HttpHeaderNames.DATE);
        assertNotNull(date);
        assertNotNull(DateFormatter.parseHttpDate(date), date);
        assertFalse(date.startsWith("\""), date);
        written.release();
    }

    @Test
    void aPreflightsCombinedHeadersBecomePlainSoTheDateIsNotQuoted() {
        EmbeddedChannel channel = new EmbeddedChannel(HttpDate.INSTANCE);
        CombinedHttpHeaders combined = new CombinedHttpHeaders(true);
        combined.add(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET");
        combined.add(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "POST");
        FullHttpResponse preflight = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.EMPTY_BUFFER, combined, new DefaultHttpHeaders());
        channel.writeOutbound(preflight);
        FullHttpResponse written = channel.readOutbound();
        assertFalse(written.headers() instanceof CombinedHttpHeaders);
        String date = written.headers().get(HttpHeaderNames.DATE);
        assertNotNull(DateFormatter.parseHttpDate(date), date);
        assertFalse(date.contains("\""), date);
        assertEquals("GET,POST", written.headers().get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS),
                "the other headers are kept");
        written.release();
    }
}
