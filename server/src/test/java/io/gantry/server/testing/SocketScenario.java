package io.gantry.server.testing;

import org.junit.jupiter.api.Tag;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A socket scenario that holds on every transport: the class opens its sockets through
 * {@link TestServer#connect} (or a helper on it), so it runs over WebSockets in the default test
 * run and over the TCP transport in the {@code tcp-scenarios} run of {@code server/pom.xml}
 * ({@code -Dgantry.test.transport=tcp}, tag {@value #TAG}). A class that tests something only a
 * WebSocket has (the upgrade, text and binary frames, JSON syntax, the format parameter) goes
 * without it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(SocketScenario.TAG)
public @interface SocketScenario {

    /** The JUnit tag that the TCP run selects. */
    String TAG = "socket-scenario";
}
