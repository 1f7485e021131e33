package io.gantry.bench.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Authenticates virtual users over REST ({@code POST /v2/account/authenticate/device?create=true}
 * with the server key as basic auth), a bounded number in flight. Not timed: this happens before
 * the measured part of a run.
 */
final class Auth {
    private final HttpClient http;
    /** The authentication URI of each node; a user's is {@code uris[u.node]}. */
    private final URI[] uris;
    private final String basic;
    private final int concurrency;

    Auth(String host, int port, String serverKey, int concurrency) {
        this(host, new int[] {port}, serverKey, concurrency);
    }

    /** Against several nodes of a cluster on {@code host}: each user authenticates on {@code ports[u.node]}. */
    Auth(String host, int[] ports, String serverKey, int concurrency) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        this.uris = new URI[ports.length];
        for (int k = 0; k < ports.length; k++) {
            uris[k] = URI.create("http://" + hostForUri(host) + ":" + ports[k] + "/v2/account/authenticate/device?create=true");
        }
        this.basic = "Basic " + Base64.getEncoder().encodeToString((serverKey + ":").getBytes(StandardCharsets.UTF_8));
        this.concurrency = concurrency;
    }

    static String hostForUri(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /**
     * Authenticates each user without a token; returns how many failed. Each failure is recorded
     * in {@code stats} by kind. {@code progress} is called with the number done so far.
     */
    int authenticate(List<VirtualUser> users, Stats stats, long timeoutMs, java.util.function.IntConsumer progress)
            throws InterruptedException {
        Semaphore permits = new Semaphore(concurrency);
        AtomicInteger done = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        for (VirtualUser u : users) {
            if (u.token != null) {
                done.incrementAndGet();
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || !permits.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                break;
            }
            String body = "{\"id\":\"" + u.deviceId + "\"}";
            HttpRequest req = HttpRequest.newBuilder(uris[u.node]).timeout(Duration.ofSeconds(30))
                    .header("Authorization", basic).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            CompletableFuture<HttpResponse<String>> f = http.sendAsync(req, HttpResponse.BodyHandlers.ofString());
            f.whenComplete((resp, err) -> {
                try {
                    if (err != null) {
                        failed.incrementAndGet();
                        Throwable t = unwrap(err);
                        stats.error("auth: " + t.getClass().getSimpleName(),
                                t.getMessage() != null ? t.getMessage() : String.valueOf(rootCause(t)));
                    } else if (resp.statusCode() != 200) {
                        failed.incrementAndGet();
                        stats.error("auth: HTTP " + resp.statusCode(), resp.body());
                    } else {
                        String token = field(resp.body(), "token");
                        if (token == null) {
                            failed.incrementAndGet();
                            stats.error("auth: no token", resp.body());
                        } else {
                            u.token = token;
                            u.userId = userIdOf(token);
                        }
                    }
                } finally {
                    permits.release();
                    int n = done.incrementAndGet();
                    if (progress != null) {
                        progress.accept(n);
                    }
                }
            });
        }
        long left = deadline - System.nanoTime();
        if (!permits.tryAcquire(concurrency, Math.max(0, left), TimeUnit.NANOSECONDS)) {
            stats.error("auth: timeout", "authentication did not finish in " + timeoutMs + " ms");
        } else {
            permits.release(concurrency);
        }
        int missing = 0;
        for (VirtualUser u : users) {
            if (u.token == null) {
                missing++;
            }
        }
        return missing;
    }

    /** Without the CompletionException / ExecutionException wrappers. */
    static Throwable unwrap(Throwable t) {
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /** The string value of a top-level field of a small JSON object (no nesting expected). */
    static String field(String json, String name) {
        String key = "\"" + name + "\"";
        int k = json.indexOf(key);
        if (k < 0) {
            return null;
        }
        int c = json.indexOf(':', k + key.length());
        int q = json.indexOf('"', c + 1);
        if (c < 0 || q < 0) {
            return null;
        }
        int e = json.indexOf('"', q + 1);
        return e < 0 ? null : json.substring(q + 1, e);
    }

    /** The {@code uid} claim of a session token (JWT payload, base64url or base64). */
    static String userIdOf(String token) {
        String[] parts = token.split("\\.");
        if (parts.length < 2) {
            return null;
        }
        try {
            String p = parts[1].replace('+', '-').replace('/', '_');
            String payload = new String(Base64.getUrlDecoder().decode(p), StandardCharsets.UTF_8);
            return field(payload, "uid");
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
