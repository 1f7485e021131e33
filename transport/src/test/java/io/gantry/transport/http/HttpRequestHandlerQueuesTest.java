package io.gantry.transport.http;

import io.netty.buffer.ByteBuf;
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

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The edge's executors and per-connection order, driven on the test thread with Netty's
 * EmbeddedChannel: a full API executor answers 503, a full user-code (RPC) executor answers 503
 * in the RPC error shape and leaves the API executor free, and pipelined requests are answered
 * in request order even when their handlers finish in reverse order.
 */
class HttpRequestHandlerQueuesTest {

    private static FullHttpRequest get(String path) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        return request;
    }

    private static String body(FullHttpResponse response) {
        ByteBuf content = response.content();
        try {
            return content.toString(StandardCharsets.UTF_8);
        } finally {
            response.release();
        }
    }

    private static void hold(CountDownLatch release) {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One thread held by the test, a queue of one: the third request finds it full. */
    private static ThreadPoolExecutor tiny() {
        return new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(1));
    }

    @Test
    void aFullApiExecutorAnswers503() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ThreadPoolExecutor api = tiny();
        ApiRoutes routes = new ApiRoutes().add(HttpMethod.GET, "/v2/held", AuthMode.NONE, request -> {
            hold(release);
            return ApiResponse.okJson("{}");
        });
        HttpRequestHandler handler = new HttpRequestHandler(routes, null, api, null);
        EmbeddedChannel running = new EmbeddedChannel(handler);
        EmbeddedChannel queued = new EmbeddedChannel(handler);
        EmbeddedChannel refused = new EmbeddedChannel(handler);
        try {
            running.writeInbound(get("/v2/held")); // takes the one thread
            queued.writeInbound(get("/v2/held"));  // takes the one queue slot
            refused.writeInbound(get("/v2/held"));
            FullHttpResponse response = refused.readOutbound();
            assertEquals(HttpResponseStatus.SERVICE_UNAVAILABLE, response.status());
            assertEquals("{\"code\":14,\"message\":\"Server is busy; retry later.\"}", body(response));
        } finally {
            refused.finishAndReleaseAll();
            queued.finishAndReleaseAll();
            running.finishAndReleaseAll();
            release.countDown();
            api.shutdown();
        }
    }

    @Test
    void aFullRpcExecutorAnswers503InTheRpcShapeAndLoginsStillRun() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ThreadPoolExecutor userCode = tiny();
        List<Runnable> apiTasks = new ArrayList<>();
        ApiRoutes routes = new ApiRoutes()
                .add(HttpMethod.GET, "/v2/rpc/{id}", AuthMode.NONE, request -> {
                    hold(release);
                    return ApiResponse.okJson("{}");
                }, ApiRoutes.ErrorShape.RPC, userCode)
                .add(HttpMethod.GET, "/v2/account", AuthMode.NONE, request -> ApiResponse.okJson("{\"login\":true}"));
        HttpRequestHandler handler = new HttpRequestHandler(routes, null, new RecordingExecutorService(apiTasks), null);
        EmbeddedChannel running = new EmbeddedChannel(handler);
        EmbeddedChannel queued = new EmbeddedChannel(handler);
        EmbeddedChannel refused = new EmbeddedChannel(handler);
        EmbeddedChannel login = new EmbeddedChannel(handler);
        try {
            running.writeInbound(get("/v2/rpc/held"));
            queued.writeInbound(get("/v2/rpc/held"));
            refused.writeInbound(get("/v2/rpc/held"));
            FullHttpResponse response = refused.readOutbound();
            assertEquals(HttpResponseStatus.SERVICE_UNAVAILABLE, response.status());
            String message = "\"Server is busy running functions; retry later.\"";
            assertEquals("{\"error\":" + message + ",\"message\":" + message + ",\"code\":14}", body(response));

            login.writeInbound(get("/v2/account"));
            assertEquals(1, apiTasks.size(), "the account call went to the API executor, not the full RPC one");
            apiTasks.remove(0).run();
            FullHttpResponse answered = login.readOutbound();
            assertEquals(HttpResponseStatus.OK, answered.status());
            assertEquals("{\"login\":true}", body(answered));
        } finally {
            refused.finishAndReleaseAll();
            queued.finishAndReleaseAll();
            running.finishAndReleaseAll();
            login.finishAndReleaseAll();
            release.countDown();
            userCode.shutdown();
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInRequestOrderWhenTheirHandlersFinishInReverse() {
        ArrayDeque<Runnable> dispatched = new ArrayDeque<>();
        ApiRoutes routes = new ApiRoutes().add(HttpMethod.GET, "/v2/echo/{n}", AuthMode.NONE,
                request -> ApiResponse.okJson("{\"n\":" + request.pathParam("n") + "}"));
        EmbeddedChannel channel = new EmbeddedChannel(new HttpRequestHandler(routes, null,
                new RecordingExecutorService(dispatched), null));
        try {
            // two requests decoded from one read, as a pipelining client sends them
            channel.writeInbound(get("/v2/echo/1"), get("/v2/echo/2"));
            assertEquals(1, dispatched.size(), "the second waits while the first is in flight");
            // finish in reverse: whatever is dispatched last runs first
            while (!dispatched.isEmpty()) {
                dispatched.pollLast().run();
                channel.runPendingTasks(); // the event loop learns the answer is written
            }
            assertEquals("{\"n\":1}", body(channel.readOutbound()));
            assertEquals("{\"n\":2}", body(channel.readOutbound()));
            assertNull(channel.readOutbound());
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** An executor whose tasks the test runs itself, on the test thread. */
    static final class RecordingExecutorService extends java.util.concurrent.AbstractExecutorService {
        private final java.util.Collection<Runnable> tasks;

        RecordingExecutorService(java.util.Collection<Runnable> tasks) {
            this.tasks = tasks;
        }

        @Override
        public void execute(Runnable command) {
            tasks.add(command);
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }

}
