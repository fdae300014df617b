package org.camelmailer;

import java.nio.file.Path;
import java.util.Properties;

import org.apache.camel.main.Main;
import sun.misc.Signal;
import org.camelmailer.config.ConfigurationException;
import org.camelmailer.MailerWiring;
import org.camelmailer.config.Settings;
import org.camelmailer.config.WorkingFolder;

/** Starts camel-mailer: settings from env, .env and application.properties; routes from routes/*.yaml and Java DSL. */
public final class MailerApplication {

    private MailerApplication() {
    }

    /**
     * jakarta.mail looks its stream provider up through ServiceLoader on every message, a scan of the whole
     * fat jar (17 % of a worker's CPU in the benchmark); naming the provider skips the scan.
     */
    static final String MAIL_STREAM_PROVIDER = "jakarta.mail.util.StreamProvider";

    public static void main(String[] args) throws Exception {
        if (System.getProperty(MAIL_STREAM_PROVIDER) == null) {
            System.setProperty(MAIL_STREAM_PROVIDER, "org.eclipse.angus.mail.util.MailStreamProvider");
        }
        Main main;
        try {
            WorkingFolder.check(Path.of("."));
            main = create(Settings.load(Path.of("."), System.getenv()));
        } catch (ConfigurationException e) {
            exitMisconfigured(e);
            return;
        }
        // SIGTERM/SIGINT: stop taking tasks, let the ones in hand finish (or hand them back), then exit 0
        for (String signal : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(signal), s -> main.completed());
        }
        try {
            main.run(args);
        } catch (Exception e) {
            ConfigurationException misconfigured = ConfigurationException.in(e);
            if (misconfigured != null) {
                exitMisconfigured(misconfigured);
            }
            System.err.println("camel-mailer: cannot start: " + e.getMessage());
            System.exit(1);
        }
        System.exit(0);
    }

    /** Every configuration error ends the same way: one line per problem, exit code 2. */
    private static void exitMisconfigured(ConfigurationException e) {
        for (String problem : e.problems()) {
            System.err.println("camel-mailer: configuration error: " + problem);
        }
        System.exit(ConfigurationException.EXIT_CODE);
    }

    /** A Camel main wired from {@code settings}; tests start it the same way. */
    public static Main create(Settings settings) {
        MailerWiring wiring = new MailerWiring(settings);
        // a setting that makes no sense stops the start here, before anything is started
        Properties overrides = wiring.properties();
        // Redis is connected on the second core while Camel loads and initialises on this one
        wiring.connectInBackground();
        Main main = new Main();
        // the top-level file, not a copy inside the jar: operators edit it without a rebuild
        main.setDefaultPropertyPlaceholderLocation("file:application.properties;optional=true");
        main.setOverrideProperties(overrides);
        main.configure().addConfiguration(wiring);
        // the Java DSL routes, next to the YAML ones read from routes/
        wiring.javaRoutes().forEach(main.configure()::addRoutesBuilder);
        main.addMainListener(wiring);
        return main;
    }
}
