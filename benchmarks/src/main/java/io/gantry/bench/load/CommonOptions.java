package io.gantry.bench.load;

import picocli.CommandLine.Option;

import java.util.List;

/** Flags every scenario takes. */
public final class CommonOptions {
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server host (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "7350", description = "Server port for REST and /ws (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--server-key", defaultValue = "defaultkey", description = "Server key, sent as basic auth (default: ${DEFAULT-VALUE}).")
    String serverKey;

    @Option(names = "--format", defaultValue = "json", description = "Socket wire format: json or protobuf (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--duration", paramLabel = "T", description = "Seconds measured (scenario default when absent).")
    Double duration;

    @Option(names = "--rate", paramLabel = "R", description = "Sends per second per sender, in Hz (scenario default when absent).")
    Double rate;

    @Option(names = "--warmup", paramLabel = "S", description = "Seconds of sending before the measured window (default: 2; self-test 5).")
    Double warmup;

    @Option(names = "--drain", defaultValue = "2", paramLabel = "S", description = "Seconds to wait for deliveries after the last send (default: ${DEFAULT-VALUE}).")
    double drain;

    @Option(names = "--source-addresses", split = ",", paramLabel = "ADDR", description = "Local addresses to bind sockets to, round-robin (e.g. 127.0.0.1,127.0.0.2).")
    List<String> sourceAddresses;

    @Option(names = "--server-pid", paramLabel = "PID", description = "Server process id: report its CPU (and resident memory) from /proc.")
    String serverPid;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the summary as JSON to FILE.")
    String json;

    @Option(names = "--plot", paramLabel = "FILE.html", description = "Write an HTML page plotting p50/p99/max per second.")
    String plot;

    @Option(names = "--threads", defaultValue = "1", description = "Generator event loops (default: ${DEFAULT-VALUE}; one core in the reference arrangement).")
    int threads;

    @Option(names = "--transport", defaultValue = "auto", description = "auto, epoll or nio (default: ${DEFAULT-VALUE}).")
    String transport;

    @Option(names = "--device-prefix", defaultValue = "gbench", description = "Prefix of the virtual users' device ids (default: ${DEFAULT-VALUE}).")
    String devicePrefix;

    @Option(names = "--auth-concurrency", defaultValue = "64", description = "REST authentications in flight (default: ${DEFAULT-VALUE}).")
    int authConcurrency;

    @Option(names = "--connect-concurrency", defaultValue = "256", description = "WebSocket handshakes in progress (default: ${DEFAULT-VALUE}).")
    int connectConcurrency;

    @Option(names = "--setup-timeout", defaultValue = "120", paramLabel = "S", description = "Seconds allowed for authentication, connection and set-up (default: ${DEFAULT-VALUE}).")
    double setupTimeout;

    @Option(names = "--tick-us", defaultValue = "1000", description = "Sender tick in microseconds (default: ${DEFAULT-VALUE}).")
    long tickMicros;

    @Option(names = "--quiet", description = "No progress lines.")
    boolean quiet;

    double duration(double dflt) {
        return duration == null ? dflt : duration;
    }

    double warmup(double dflt) {
        return warmup == null ? dflt : warmup;
    }

    double rate(double dflt) {
        return rate == null ? dflt : rate;
    }
}
