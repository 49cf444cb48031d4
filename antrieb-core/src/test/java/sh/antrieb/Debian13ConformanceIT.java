package sh.antrieb;

import java.util.List;

/** {@code debian13} is a stock Debian 13 (trixie) server, names resolved by systemd-resolved; see {@link StockDebianConformance}. */
class Debian13ConformanceIT extends StockDebianConformance {
    Debian13ConformanceIT() {
        super("debian13");
    }

    @Override
    List<String> releasePackages() {
        return List.of("systemd-resolved");
    }

    @Override
    List<String> releaseActiveUnits() {
        return List.of("systemd-resolved.service");
    }

    @Override
    String codename() {
        return "trixie";
    }

    @Override
    boolean resolved() {
        return true;
    }
}
