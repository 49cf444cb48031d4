package sh.antrieb;

import java.util.List;

/** {@code debian12} is a stock Debian 12 (bookworm) server; see {@link StockDebianConformance}. */
class Debian12ConformanceIT extends StockDebianConformance {
    Debian12ConformanceIT() {
        super("debian12");
    }

    @Override
    List<String> releasePackages() {
        return List.of();
    }

    @Override
    List<String> releaseActiveUnits() {
        return List.of();
    }

    @Override
    String codename() {
        return "bookworm";
    }

    @Override
    boolean resolved() {
        return false;
    }
}
