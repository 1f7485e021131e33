package io.gantry.transport.tcp;

import io.gantry.core.router.Router;
import io.gantry.core.session.SessionRegistry;
import io.gantry.transport.EdgeSettings;
import io.gantry.transport.http.Authenticator;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/**
 * The pipeline of a TCP connection: the pong wait (no frame for that long closes it, the
 * handshake included) → {@link FrameDecoder} (varint32 length, limit {@code maxMessageSize}) →
 * a flow-control handler holding decoded frames while reads are paused → {@link TcpSessionHandler}.
 */
public final class TcpChannelInitializer extends ChannelInitializer<SocketChannel> {

    private final EdgeSettings settings;
    private final Authenticator authenticator;
    private final SessionRegistry registry;
    private final Router router;

    public TcpChannelInitializer(EdgeSettings settings, Authenticator authenticator, SessionRegistry registry,
                                 Router router) {
        this.settings = settings;
        this.authenticator = authenticator;
        this.registry = registry;
        this.router = router;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        channel.pipeline()
                .addLast("tcp-idle", new IdleStateHandler(settings.pongWaitMs(), 0, 0, TimeUnit.MILLISECONDS))
                .addLast("tcp-frames", new FrameDecoder(settings.maxMessageSize()))
                .addLast("tcp-flow", new FlowControlHandler())
                .addLast("tcp-session", new TcpSessionHandler(settings, authenticator, registry, router));
    }
}
