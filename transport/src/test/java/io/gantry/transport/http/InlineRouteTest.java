package io.gantry.transport.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A route with an {@link InlineHandler} (the device login): what the inline part answers is written
 * on the event loop and never reaches the API executor; what it leaves goes to the executor as any
 * route's request, in order; its refusals are the route's errors. Driven on the test thread with
 * EmbeddedChannel and an executor that only records its tasks. Also the plain device-id body read
 * of {@link AccountApi#plainDeviceId}, against the protobuf JSON parser it stands in for.
 */
class InlineRouteTest {

    private static FullHttpRequest post(String path, String body) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        return request;
    }

    private static String body(FullHttpResponse response) {
        try {
            return response.content().toString(StandardCharsets.UTF_8);
        } finally {
            response.release();
        }
    }

    @Test
    void whatTheInlinePartAnswersNeverReachesTheExecutorAndTheRestGoesThereInOrder() {
        List<Runnable> apiTasks = new ArrayList<>();
        ApiRoutes routes = new ApiRoutes().addInline(HttpMethod.POST, "/v2/login", AuthMode.NONE,
                request -> switch (request.body()) {
                    case "known" -> ApiResponse.okJson("{\"inline\":true}");
                    case "bad" -> throw ApiException.badInput("Bad body.");
                    default -> null;
                },
                request -> ApiResponse.okJson("{\"blocking\":\"" + request.body() + "\"}"));
        HttpRequestHandler handler = new HttpRequestHandler(routes, null,
                new HttpRequestHandlerQueuesTest.RecordingExecutorService(apiTasks), null);
        EmbeddedChannel ch = new EmbeddedChannel(handler);
        try {
            ch.writeInbound(post("/v2/login", "known"));
            FullHttpResponse inline = ch.readOutbound();
            assertEquals(HttpResponseStatus.OK, inline.status());
            assertEquals("{\"inline\":true}", body(inline));
            assertTrue(apiTasks.isEmpty(), "answered on the event loop");

            ch.writeInbound(post("/v2/login", "bad"));
            FullHttpResponse refused = ch.readOutbound();
            assertEquals(HttpResponseStatus.BAD_REQUEST, refused.status());
            assertEquals("{\"code\":3,\"message\":\"Bad body.\"}", body(refused));
            assertTrue(apiTasks.isEmpty());

            // left by the inline part: to the executor; a known one pipelined behind it waits its turn
            ch.writeInbound(post("/v2/login", "unknown"));
            ch.writeInbound(post("/v2/login", "known"));
            assertNull(ch.readOutbound(), "nothing answered before the executor ran");
            assertEquals(1, apiTasks.size());
            apiTasks.remove(0).run();
            ch.runPendingTasks();
            FullHttpResponse first = ch.readOutbound();
            assertEquals("{\"blocking\":\"unknown\"}", body(first));
            FullHttpResponse second = ch.readOutbound();
            assertEquals("{\"inline\":true}", body(second));
            assertTrue(apiTasks.isEmpty());
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"id\":\"device-0001\"}", "{\"id\":\"\"}", "{\"id\":\"a b\"}", "{\"id\":\"!#$%&'()*+,-./:;<=>?@[]^_`{|}~\"}"})
    void aPlainBodyIsReadAsTheParserReadsIt(String body) throws Exception {
        com.heroiclabs.nakama.api.AccountDevice.Builder parsed = com.heroiclabs.nakama.api.AccountDevice.newBuilder();
        io.gantry.proto.EnvelopeCodec.mergeJson(body, parsed);
        assertEquals(parsed.getId(), AccountApi.plainDeviceId(body));
        assertTrue(parsed.getVarsMap().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{}", "{\"id\":\"}", "{\"id\":\"a\\\"b\"}", "{\"id\":\"a\\u0041\"}", "{\"id\":\"é\"}",
            "{\"id\":\"x\",\"vars\":{\"a\":\"b\"}}", "{ \"id\":\"x\"}", "{\"id\":\"x\"} ", "{\"id\":\"x\"}}", "{\"id\":\"tab\there\"}"})
    void anyOtherBodyIsLeftToTheParser(String body) {
        assertNull(AccountApi.plainDeviceId(body));
    }
}
