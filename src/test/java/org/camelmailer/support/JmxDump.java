package org.camelmailer.support;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Everything a JMX client can read from a running service, as text: every readable attribute of every MBean
 * matching a pattern (those that throw are skipped), and optionally the read-only {@code dump*}/{@code explain*}
 * operations that take no argument or only booleans (called with {@code true}: placeholders resolved, all options).
 */
public final class JmxDump implements AutoCloseable {

    /** The JVM options that open remote JMX on loopback {@code port}, without authentication (tests only). */
    public static List<String> jvmOptions(int port) {
        return List.of("-Dcom.sun.management.jmxremote.port=" + port,
                "-Dcom.sun.management.jmxremote.rmi.port=" + port,
                "-Dcom.sun.management.jmxremote.host=127.0.0.1", "-Djava.rmi.server.hostname=127.0.0.1",
                "-Dcom.sun.management.jmxremote.authenticate=false", "-Dcom.sun.management.jmxremote.ssl=false");
    }

    private final JMXConnector connector;
    private final MBeanServerConnection server;
    private int attributesRead;

    public JmxDump(int port) throws java.io.IOException {
        this.connector = JMXConnectorFactory.connect(
                new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi"));
        this.server = connector.getMBeanServerConnection();
    }

    /** One line per readable attribute: {@code <object name> <attribute> = <value>}. */
    public List<String> attributes(String pattern) throws Exception {
        List<String> lines = new ArrayList<>();
        for (ObjectName name : new TreeSet<>(server.queryNames(new ObjectName(pattern), null))) {
            for (MBeanAttributeInfo attribute : server.getMBeanInfo(name).getAttributes()) {
                if (!attribute.isReadable()) {
                    continue;
                }
                try {
                    lines.add(name + " " + attribute.getName() + " = " + text(server.getAttribute(name, attribute.getName())));
                    attributesRead++;
                } catch (Exception | Error e) {
                    // unsupported or failing attributes are not readable by a client either
                }
            }
        }
        return lines;
    }

    /** One line per informational operation called: {@code <object name> <operation>(true, ...) = <result>}. */
    public List<String> informationalOperations(String pattern) throws Exception {
        List<String> lines = new ArrayList<>();
        for (ObjectName name : new TreeSet<>(server.queryNames(new ObjectName(pattern), null))) {
            for (MBeanOperationInfo op : server.getMBeanInfo(name).getOperations()) {
                if (!(op.getName().startsWith("dump") || op.getName().startsWith("explain"))
                        || !Arrays.stream(op.getSignature()).allMatch(p -> p.getType().equals("boolean"))) {
                    continue;
                }
                Object[] args = new Object[op.getSignature().length];
                Arrays.fill(args, Boolean.TRUE);
                String[] types = Arrays.stream(op.getSignature()).map(MBeanParameterInfo::getType).toArray(String[]::new);
                try {
                    lines.add(name + " " + op.getName() + Arrays.toString(args) + " = " + text(server.invoke(name, op.getName(), args, types)));
                } catch (Exception | Error e) {
                    // not supported in this context
                }
            }
        }
        return lines;
    }

    public int attributesRead() {
        return attributesRead;
    }

    static String text(Object value) {
        if (value == null) {
            return "null";
        }
        if (value.getClass().isArray()) {
            StringBuilder s = new StringBuilder("[");
            for (int i = 0; i < java.lang.reflect.Array.getLength(value); i++) {
                s.append(i > 0 ? ", " : "").append(text(java.lang.reflect.Array.get(value, i)));
            }
            return s.append(']').toString();
        }
        return value.toString();
    }

    @Override
    public void close() throws java.io.IOException {
        connector.close();
    }
}
