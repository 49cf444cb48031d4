package sh.antrieb.internal;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Keeps the first {@code limit} bytes written and counts the rest, so a cut is never silent. */
final class BoundedOutput extends OutputStream {
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final long limit;
    private long dropped;

    BoundedOutput(long limit) {
        this.limit = limit;
    }

    @Override
    public synchronized void write(int b) {
        if (kept.size() < limit) {
            kept.write(b);
        } else {
            dropped++;
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        int room = (int) Math.max(0, Math.min(len, limit - kept.size()));
        kept.write(b, off, room);
        dropped += len - room;
    }

    /** Counts {@code n} bytes that were cut before they reached this buffer (by the guest's exec agent). */
    synchronized void addDropped(long n) {
        dropped += n;
    }

    /** The text kept, with a marker naming how much was cut. */
    synchronized String text() {
        String s = kept.toString(StandardCharsets.UTF_8);
        if (dropped > 0) {
            s += "\n[antrieb: output cut here: " + dropped + " more bytes were not kept (limit " + limit + " bytes)]\n";
        }
        return s;
    }
}
