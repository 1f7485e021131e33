package io.gantry.bench.load;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --ports}, several {@code --server-pid}s and {@code --side-pid}: parsing, checks, CPU sums. */
class ClusterOptionsTest {

    private static CommonOptions parse(String... args) {
        MatchRelay s = new MatchRelay();
        new CommandLine(s).parseArgs(args);
        return s.o;
    }

    @Test
    void withoutTheNewFlagsNothingChanges() {
        CommonOptions o = parse("--port", "7450", "--server-pid", "123");
        assertNull(o.check());
        assertEquals(1, o.nodes());
        assertEquals(7450, o.portOf(0));
        assertEquals(7450, o.socketPortOf(0));
        assertEquals("127.0.0.1:7450", o.target());
        assertEquals("123", o.serverPid);
        assertNull(o.sidePid);
    }

    @Test
    void portsSpreadTheNodes() {
        CommonOptions o = parse("--ports", "7350,7351", "--server-pid", "1", "--server-pid", "2,3", "--side-pid", "9");
        assertNull(o.check());
        assertEquals(2, o.nodes());
        assertEquals(7350, o.port, "--port is the first node's");
        assertEquals(7351, o.socketPortOf(1));
        assertEquals("127.0.0.1:7350,7351", o.target());
        assertEquals("1,2,3", o.serverPid);
        assertEquals("9", o.sidePid);
    }

    @Test
    void tcpNeedsOneTcpPortPerNode() {
        assertTrue(parse("--ports", "7350,7351", "--transport", "tcp").check().contains("--tcp-ports"));
        assertTrue(parse("--tcp-ports", "7349").check().contains("--tcp-ports goes with --ports"));
        CommonOptions o = parse("--ports", "7350,7351", "--transport", "tcp", "--tcp-ports", "7349,7449");
        assertNull(o.check());
        assertEquals(7449, o.socketPortOf(1));
        assertEquals(7351, o.portOf(1));
    }

    @Test
    void restScenariosRefusePorts() {
        int code = new CommandLine(new GantryBench()).execute("storage", "--ports", "1,2", "--quiet");
        assertEquals(2, code);
    }

    @Test
    void cpuOfSeveralProcessesIsTheirSum() {
        long one = ProcStats.cpuNanos("self");
        long two = ProcStats.cpuNanos("self,self");
        assertTrue(one >= 0 && two >= 2 * one, one + " " + two);
        assertEquals(-1, ProcStats.cpuNanos("self,999999999"));
        assertTrue(ProcStats.exists("self,self"));
        assertTrue(!ProcStats.exists("self,999999999"));
        assertTrue(ProcStats.rssBytes("self,self") > ProcStats.rssBytes("self"));
    }

    @Test
    void userIGoesToNodeIModNAndCrossingsCountOtherNodes() throws Exception {
        CommonOptions o = parse("--ports", "1,2,3", "--quiet");
        assertNull(o.check());
        try (Run run = new Run("match-relay", o, System.err)) {
            List<VirtualUser> us = run.users("x", 7);
            List<Integer> nodes = us.stream().map(u -> u.node).toList();
            assertEquals(List.of(0, 1, 2, 0, 1, 2, 0), nodes);
            // a match of players 0, 1, 2: two other nodes each; of 0 and 3 (both node 0): none
            assertEquals(2, MatchRelay.nodesOf(us.subList(0, 3), us.get(0)));
            assertEquals(0, MatchRelay.nodesOf(List.of(us.get(0), us.get(3)), us.get(0)));
            assertEquals(1, MatchRelay.nodesOf(List.of(us.get(0), us.get(3), us.get(4)), us.get(3)));
        }
    }
}
