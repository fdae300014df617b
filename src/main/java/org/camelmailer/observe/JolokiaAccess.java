package org.camelmailer.observe;

import java.util.Locale;

/**
 * MAILER_JOLOKIA: whether Camel's Jolokia (camel-platform-http-jolokia, JMX over HTTP for Hawtio) is served, and
 * under which Jolokia policy. Camel's plugin reads its policy from Jolokia's {@code policyLocation}, which a system
 * property sets; this sets it to the service's own file, so no other {@code jolokia-access.xml} on the class path,
 * and no {@code JOLOKIA_POLICY_LOCATION} in the environment, can widen it.
 */
public enum JolokiaAccess {
    OFF(null),
    /** read, list, search, version: every MBean's attributes, no operation, no write. */
    READ_ONLY("jolokia-access-read-only.xml"),
    /** every command, but the JVM's diagnostic commands, heap dumps and Camel's send-to-any-endpoint operations. */
    READ_WRITE("jolokia-access-read-write.xml");

    /** Jolokia's own configuration key for the policy, as a system property (it wins over JOLOKIA_POLICY_LOCATION). */
    static final String POLICY_LOCATION = "jolokia.policyLocation";

    private final String policy;

    JolokiaAccess(String policy) {
        this.policy = policy;
    }

    /** off, read-only or read-write, in any case (the setting was checked when it loaded). */
    public static JolokiaAccess of(String setting) {
        return valueOf(setting.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    public boolean enabled() {
        return this != OFF;
    }

    /** The policy file in the jar, as Jolokia locates it. */
    public String policyLocation() {
        return "classpath:/" + policy;
    }

    /** Makes this mode's policy the one Camel's Jolokia plugin reads when it is created (once, at start). */
    public void apply() {
        if (enabled()) {
            System.setProperty(POLICY_LOCATION, policyLocation());
        }
    }

    /** The setting as written in the configuration: read-only, read-write. */
    public String setting() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
