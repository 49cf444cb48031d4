package sh.antrieb.mcp;

import java.io.PrintStream;
import java.nio.file.Path;

/** {@code antrieb-mcp stdio} over {@link FakeClusters}: what McpStdioProtocolTest spawns. Argument: the state dir. */
public final class FakeStdioMain {
    private FakeStdioMain() {
    }

    /** Serves until stdin ends, then exits 0. */
    public static void main(String[] args) throws Exception {
        PrintStream protocol = System.out;
        System.setOut(System.err);
        System.out.println("this line must not reach the protocol channel");
        AntriebMcpServer server = AntriebMcpServer.builder(new FakeClusters()).stateDir(Path.of(args[0])).build();
        server.serveStdio(System.in, protocol);
        server.close();
        System.exit(0);
    }
}
