package sh.antrieb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import sh.antrieb.AntriebException;
import sh.antrieb.Link;

/** The delay line's QMP text, and its relay against sockets that stand in for QEMU's chardevs. */
class DelayLineTest {
    private static final String LIVE = """
            <domain type='qemu' id='7'>
              <devices>
                <interface type='network'>
                  <mac address='52:54:00:aa:00:01'/>
                  <source network='antrieb-x-net-control' bridge='abxn0'/>
                  <target dev='atabcdefgh1n0'/>
                  <model type='virtio'/>
                  <alias name='net0'/>
                </interface>
                <interface type='network'>
                  <mac address='52:54:00:aa:00:02'/>
                  <source network='antrieb-x-net-default' bridge='abxn1'/>
                  <target dev='atabcdefgh1n1'/>
                  <model type='virtio'/>
                  <alias name='net1'/>
                </interface>
              </devices>
            </domain>
            """;

    @Test
    void theNetdevIsFoundByTheNicsTap() {
        assertThat(DelayLine.netdevOf(LIVE, "atabcdefgh1n1")).isEqualTo("hostnet1");
        assertThat(DelayLine.netdevOf(LIVE, "atabcdefgh1n0")).isEqualTo("hostnet0");
        assertThatThrownBy(() -> DelayLine.netdevOf(LIVE, "atabcdefgh1n2")).isInstanceOf(AntriebException.class)
                .hasMessageContaining("no NIC on TAP atabcdefgh1n2");
    }

    @Test
    void theTakerComesBeforeTheGiverOnTheQueueTowardsTheGuest() {
        String[] plug = DelayLine.plugCommands("antrieb-delay-t", "hostnet1", 4242);
        assertThat(plug[0]).contains("\"chardev-add\"", "\"id\":\"antrieb-delay-t-take\"", "\"port\":\"4242\"", "\"server\":false");
        assertThat(plug[1]).contains("\"id\":\"antrieb-delay-t-give\"");
        assertThat(plug[2]).contains("\"filter-redirector\"", "\"id\":\"antrieb-delay-t-taker\"", "\"netdev\":\"hostnet1\"",
                "\"queue\":\"tx\"", "\"outdev\":\"antrieb-delay-t-take\"");
        assertThat(plug[3]).contains("\"id\":\"antrieb-delay-t-giver\"", "\"indev\":\"antrieb-delay-t-give\"");
        assertThat(DelayLine.unplugCommands("antrieb-delay-t")).extracting(c -> c.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1"))
                .containsExactly("antrieb-delay-t-taker", "antrieb-delay-t-giver", "antrieb-delay-t-take", "antrieb-delay-t-give");
    }

    @Test
    void framesComeBackWholeInOrderAndNotBeforeTheirDelay() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 2, InetAddress.getLoopbackAddress());
             Socket qemuTake = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket take = server.accept();
             Socket qemuGive = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket give = server.accept()) {
            Link link = Link.latency(Duration.ofMillis(150)).jitter(Duration.ofMillis(50));
            DelayLine line = DelayLine.relay("test", link, server, take, give);
            DataOutputStream toLine = new DataOutputStream(qemuTake.getOutputStream());
            DataInputStream fromLine = new DataInputStream(qemuGive.getInputStream());
            long[] sent = new long[20];
            for (int i = 0; i < sent.length; i++) {
                byte[] frame = ("frame " + i + " ").repeat(i + 1).getBytes();
                sent[i] = System.nanoTime();
                toLine.writeInt(frame.length);
                toLine.write(frame);
                toLine.flush();
                Thread.sleep(5);
            }
            for (int i = 0; i < sent.length; i++) {
                int len = fromLine.readInt();
                byte[] frame = new byte[len];
                fromLine.readFully(frame);
                long held = (System.nanoTime() - sent[i]) / 1_000_000;
                assertThat(new String(frame)).isEqualTo(("frame " + i + " ").repeat(i + 1));
                assertThat(held).as("frame %d held %d ms", i, held).isGreaterThanOrEqualTo(100);
            }
            line.close(false);
        }
    }
}
