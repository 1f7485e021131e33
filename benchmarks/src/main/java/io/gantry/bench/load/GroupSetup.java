package io.gantry.bench.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Set-up over REST that the measured part does not time: open groups created
 * ({@code POST /v2/group}, {@code open: true}, a given {@code max_count}) and joined
 * ({@code POST /v2/group/{id}/join}), a bounded number in flight, with the JDK's HTTP client.
 * Any failure (a server without groups answers 404) is recorded in the stats by status and ends
 * the set-up with a {@link Run.SetupException} naming the first one: the run stops with exit
 * status 3 instead of measuring nothing.
 */
final class GroupSetup {
    private static final int IN_FLIGHT = 16;
    private final HttpClient http;
    private final String base;
    private final Stats stats;
    private final long timeoutMs;

    GroupSetup(String host, int port, Stats stats, long timeoutMs) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        this.base = "http://" + Auth.hostForUri(host) + ":" + port;
        this.stats = stats;
        this.timeoutMs = timeoutMs;
    }

    /** Creates one open group per name as {@code token}'s user; returns their ids in order. */
    List<String> create(String token, List<String> names, int maxCount) throws InterruptedException, Run.SetupException {
        List<HttpRequest> reqs = new ArrayList<>();
        for (String name : names) {
            String body = "{\"name\":" + JsonScan.quote(new StringBuilder(), name) + ",\"open\":true,\"max_count\":"
                    + maxCount + "}";
            reqs.add(request("/v2/group", token).POST(HttpRequest.BodyPublishers.ofString(body)).build());
        }
        List<String> bodies = send(reqs, "group create");
        List<String> ids = new ArrayList<>();
        for (String b : bodies) {
            String id = Auth.field(b, "id");
            if (id == null) {
                stats.error("group create: no id", b);
                throw new Run.SetupException("group create answered without an id: " + b);
            }
            ids.add(id);
        }
        return ids;
    }

    /** Each {@code tokens[k]} joins {@code groupIds[k]}; every join must answer 2xx. */
    void join(List<String> tokens, List<String> groupIds) throws InterruptedException, Run.SetupException {
        List<HttpRequest> reqs = new ArrayList<>();
        for (int k = 0; k < tokens.size(); k++) {
            reqs.add(request(SocialRequests.groupJoinPath(groupIds.get(k)), tokens.get(k))
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
        }
        send(reqs, "group join");
    }

    private HttpRequest.Builder request(String path, String token) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
    }

    /** Sends every request, {@link #IN_FLIGHT} at a time; returns the 2xx bodies in order or throws on the first failure. */
    private List<String> send(List<HttpRequest> reqs, String what) throws InterruptedException, Run.SetupException {
        Semaphore permits = new Semaphore(IN_FLIGHT);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        List<CompletableFuture<HttpResponse<String>>> fs = new ArrayList<>();
        for (HttpRequest r : reqs) {
            if (!permits.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                break;
            }
            fs.add(http.sendAsync(r, HttpResponse.BodyHandlers.ofString()).whenComplete((x, e) -> permits.release()));
        }
        List<String> out = new ArrayList<>();
        String first = null;
        for (CompletableFuture<HttpResponse<String>> f : fs) {
            try {
                HttpResponse<String> resp = f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (resp.statusCode() / 100 != 2) {
                    stats.error(what + ": HTTP " + resp.statusCode(), resp.body());
                    first = first == null ? "HTTP " + resp.statusCode() + " " + resp.body() : first;
                }
                out.add(resp.body());
            } catch (java.util.concurrent.TimeoutException e) {
                stats.error(what + ": timeout", "no reply within --setup-timeout");
                first = first == null ? "no reply within --setup-timeout" : first;
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable t = Auth.unwrap(e);
                stats.error(what + ": " + t.getClass().getSimpleName(), t.getMessage());
                first = first == null ? String.valueOf(t) : first;
            }
        }
        if (first == null && fs.size() < reqs.size()) {
            first = (reqs.size() - fs.size()) + " not sent within --setup-timeout";
        }
        if (first != null) {
            throw new Run.SetupException(what + " failed (" + fs.size() + " of " + reqs.size() + " sent; the first failure: "
                    + first + ")" + (first.startsWith("HTTP 404") ? ": this server has no groups API" : ""));
        }
        return out;
    }
}
