package io.gantry.bench.load;

import picocli.CommandLine.Option;

import java.util.List;

/** Flags every scenario takes. */
public final class CommonOptions {
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server host (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "7350", description = "Server port for REST and /ws (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--ports", split = ",", paramLabel = "PORT", description = "Ports (REST and /ws) of several nodes of "
            + "one cluster on --host, instead of --port: virtual user i authenticates and opens its socket on the "
            + "(i mod n)-th (socket scenarios only; see each scenario's help for where its users go).")
    List<Integer> ports;

    @Option(names = "--tcp-ports", split = ",", paramLabel = "PORT", description = "With --ports and --transport tcp: "
            + "the TCP transport's port of each node, in the order of --ports.")
    List<Integer> tcpPorts;

    @Option(names = "--transport", defaultValue = "ws", description = "Socket transport: ws (WebSocket on --port) or tcp "
            + "(Gantry's TCP transport on --tcp-port, protobuf envelopes; REST still on --port) (default: ${DEFAULT-VALUE}).")
    String transport;

    @Option(names = "--tcp-port", defaultValue = "7349", description = "Server port of the TCP transport (default: ${DEFAULT-VALUE}).")
    int tcpPort;

    @Option(names = "--server-key", defaultValue = "defaultkey", description = "Server key, sent as basic auth (default: ${DEFAULT-VALUE}).")
    String serverKey;

    @Option(names = "--format", description = "Socket wire format: json or protobuf (default: json; protobuf, the only one, with --transport tcp).")
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

    @Option(names = "--server-pid", split = ",", paramLabel = "PID", description = "Server process id: report its CPU (and "
            + "resident memory) from /proc. Repeat it (or give a comma list) for the nodes of a cluster: the CPU figures "
            + "are then the sum over them, each process's given too (connect-storm: resident memory summed, heap histograms with one pid only).")
    List<String> serverPids;

    @Option(names = "--side-pid", split = ",", paramLabel = "PID", description = "Another process (e.g. Redis) whose CPU "
            + "the report gives on its own, not in the server's figures; repeatable or a comma list.")
    List<String> sidePids;

    /** The {@code --server-pid} processes as one comma list (one pid as given), or null; set by {@link #check()}. */
    String serverPid;

    /** The {@code --side-pid} processes as one comma list, or null; set by {@link #check()}. */
    String sidePid;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the summary as JSON to FILE.")
    String json;

    @Option(names = "--plot", paramLabel = "FILE.html", description = "Write an HTML page plotting p50/p99/max per second.")
    String plot;

    @Option(names = "--threads", defaultValue = "1", description = "Generator event loops (default: ${DEFAULT-VALUE}; one core in the reference arrangement).")
    int threads;

    @Option(names = "--io", defaultValue = "auto", description = "Netty I/O of the generator's event loops: auto (epoll when available), epoll, io_uring or nio (default: ${DEFAULT-VALUE}).")
    String io;

    @Option(names = "--device-prefix", defaultValue = "gbench", description = "Prefix of the virtual users' device ids (default: ${DEFAULT-VALUE}).")
    String devicePrefix;

    @Option(names = "--auth-concurrency", defaultValue = "64", description = "REST authentications in flight (default: ${DEFAULT-VALUE}).")
    int authConcurrency;

    @Option(names = "--connect-concurrency", defaultValue = "256", description = "Socket handshakes in progress (default: ${DEFAULT-VALUE}).")
    int connectConcurrency;

    @Option(names = "--setup-timeout", defaultValue = "120", paramLabel = "S", description = "Seconds allowed for authentication, connection and set-up (default: ${DEFAULT-VALUE}).")
    double setupTimeout;

    @Option(names = "--tick-us", defaultValue = "0", description = "Sender tick in microseconds; 0 (default): each sender at its own time, no tick.")
    long tickMicros;

    @Option(names = "--quiet", description = "No progress lines.")
    boolean quiet;

    /** True with {@code --transport tcp} (after {@link #check()}). */
    boolean tcp() {
        return "tcp".equals(transport);
    }

    /**
     * Checks the flags that depend on each other and settles the defaults that depend on others
     * ({@code --format}); returns what is wrong, or null.
     */
    String check() {
        if (!"ws".equals(transport) && !"tcp".equals(transport)) {
            return "--transport must be ws or tcp, not '" + transport + "'";
        }
        if (!"auto".equals(io) && !"epoll".equals(io) && !"io_uring".equals(io) && !"nio".equals(io)) {
            return "--io must be auto, epoll, io_uring or nio, not '" + io + "'";
        }
        if (format == null) {
            format = tcp() ? "protobuf" : "json";
        }
        if (!"json".equals(format) && !"protobuf".equals(format)) {
            return "--format must be json or protobuf, not '" + format + "'";
        }
        if (tcp() && !"protobuf".equals(format)) {
            return "--transport tcp carries protobuf envelopes only: drop --format json (or use --transport ws)";
        }
        if (tcp() && (tcpPort < 1 || tcpPort > 65535)) {
            return "--tcp-port must be a port number (1-65535)";
        }
        if (threads < 1) {
            return "--threads must be at least 1";
        }
        serverPid = serverPids == null || serverPids.isEmpty() ? null : String.join(",", serverPids);
        sidePid = sidePids == null || sidePids.isEmpty() ? null : String.join(",", sidePids);
        if (ports != null) {
            if (ports.isEmpty()) {
                return "--ports needs at least one port";
            }
            for (int p : ports) {
                if (p < 1 || p > 65535) {
                    return "--ports: " + p + " is not a port number (1-65535)";
                }
            }
            if (tcp() && (tcpPorts == null || tcpPorts.size() != ports.size())) {
                return "--ports with --transport tcp needs --tcp-ports, one TCP port per node in the same order";
            }
            port = ports.get(0);
        }
        if (tcpPorts != null) {
            if (ports == null || !tcp()) {
                return "--tcp-ports goes with --ports and --transport tcp";
            }
            for (int p : tcpPorts) {
                if (p < 1 || p > 65535) {
                    return "--tcp-ports: " + p + " is not a port number (1-65535)";
                }
            }
            tcpPort = tcpPorts.get(0);
        }
        return null;
    }

    /** How many nodes the users are spread over: the number of {@code --ports}, else 1. */
    int nodes() {
        return ports == null ? 1 : ports.size();
    }

    /** The REST and /ws port of node {@code k} (0 is {@code --port} without {@code --ports}). */
    int portOf(int k) {
        return ports == null ? port : ports.get(k);
    }

    /** The socket port of node {@code k}: its /ws port, or with {@code --transport tcp} its TCP port. */
    int socketPortOf(int k) {
        if (!tcp()) {
            return portOf(k);
        }
        return tcpPorts == null ? tcpPort : tcpPorts.get(k);
    }

    /** {@code host:port} of REST, or with {@code --ports} {@code host:p1,p2,…}. */
    String target() {
        return host + ":" + (ports == null ? Integer.toString(port)
                : String.join(",", ports.stream().map(String::valueOf).toList()));
    }

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
