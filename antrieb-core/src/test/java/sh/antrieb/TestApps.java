package sh.antrieb;

/**
 * Small services for tests, built from what a stock Debian image has (python3's http.server, a systemd unit),
 * so no test waits for apt under TCG.
 */
public final class TestApps {
    /** A port expression that fails on a stock image: sqlite3 is not installed there. */
    public static final String PORT_FROM_SQLITE = "$(sqlite3 :memory: 'select 8085')";
    /** A port expression that works on a stock image: python3 reads the settings file. */
    public static final String PORT_FROM_SETTINGS =
            "$(python3 -c 'import json; print(json.load(open(\"/etc/app/settings.json\"))[\"port\"])')";

    private TestApps() {
    }

    /**
     * A bash script in two {@code # step:} sections: write {@code /etc/app/settings.json} naming {@code port}
     * and a page saying {@code page}, then serve the page with a systemd unit on the port
     * {@code portExpression} yields ({@link #PORT_FROM_SETTINGS} or {@link #PORT_FROM_SQLITE}).
     */
    public static String serveSettingsPort(int port, String page, String portExpression) {
        return """
                set -eu
                # step: Write the settings and the page
                mkdir -p /etc/app /srv/app && echo '{"port": %d}' > /etc/app/settings.json && echo %s > /srv/app/index.html
                # step: Serve the page on the configured port
                PORT=%s
                cat > /etc/systemd/system/app.service <<EOF
                [Service]
                ExecStart=/usr/bin/python3 -m http.server $PORT --directory /srv/app
                [Install]
                WantedBy=multi-user.target
                EOF
                systemctl daemon-reload
                systemctl enable --now app.service
                for i in $(seq 50); do curl -fs http://127.0.0.1:$PORT/ >/dev/null && break; sleep 0.2; done
                """.formatted(port, page, portExpression);
    }
}
