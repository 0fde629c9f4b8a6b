package testsupport.searchengine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.codelibs.opensearch.runner.OpenSearchRunner;
import org.opensearch.Version;
import org.opensearch.cluster.health.ClusterHealthStatus;

/**
 * Starts one embedded OpenSearch node for the test suite.
 *
 * <p>The node listens on 127.0.0.1 only, keeps everything (config, data,
 * logs) under {@code -basePath}, and loads just the modules the site's search
 * needs, most importantly analysis-common (ngram, edge_ngram, asciifolding,
 * the cjk analyzer, ...). When the cluster is at least yellow it prints
 * {@code READY http://127.0.0.1:<port>} on stdout.
 *
 * <p>It stops cleanly on SIGTERM/SIGINT (shutdown hook) and, with
 * {@code -exitOnStdinClose}, as soon as its standard input reaches end of
 * file, so that it cannot outlive the process that started it.
 *
 * <pre>
 *   -port N              HTTP port (required)
 *   -transportPort N     transport port (default: port + 100)
 *   -basePath DIR        home/data/logs directory (required)
 *   -clusterName NAME    default "test-search-engine"
 *   -nodeName NAME       this node's name (with -seedHosts)
 *   -seedHosts LIST      host:transportPort of the cluster's nodes, comma-separated: this node
 *                        joins a cluster of several nodes (each its own JVM) instead of being
 *                        a single-node cluster
 *   -initialManagers LIST names of the cluster-manager-eligible nodes that form the cluster the
 *                        first time (with -seedHosts)
 *   -exitOnStdinClose    exit when stdin is closed
 * </pre>
 */
public final class Main {

    /** Modules loaded into the node. Each one must be on the class path. */
    private static final String[] REQUIRED_MODULES = {
            // HTTP + transport layer
            "org.opensearch.transport.Netty4ModulePlugin",
            // ngram / edge_ngram / asciifolding / cjk / ... analysis components
            "org.opensearch.analysis.common.CommonAnalysisModulePlugin",
            // extra field types (scaled_float, rank_feature, search_as_you_type, ...)
            "org.opensearch.index.mapper.MapperExtrasModulePlugin",
    };

    private Main() {
    }

    public static void main(final String[] args) {
        final Map<String, String> options;
        try {
            options = parseArgs(args);
        } catch (final IllegalArgumentException e) {
            System.err.println("search-engine: " + e.getMessage());
            System.err.println("usage: Main -port N -basePath DIR [-transportPort N]"
                    + " [-clusterName NAME] [-nodeName NAME -seedHosts LIST -initialManagers LIST]"
                    + " [-exitOnStdinClose]");
            System.exit(2);
            return;
        }

        final int httpPort = Integer.parseInt(options.get("-port"));
        final int transportPort = options.containsKey("-transportPort")
                ? Integer.parseInt(options.get("-transportPort"))
                : httpPort + 100;
        final Path basePath = Path.of(options.get("-basePath")).toAbsolutePath();
        final String clusterName = options.getOrDefault("-clusterName", "test-search-engine");

        // The runner silently skips module classes it cannot load; we want a
        // loud failure instead (e.g. analysis-common missing from the class path).
        for (final String module : REQUIRED_MODULES) {
            try {
                Class.forName(module);
            } catch (final ClassNotFoundException e) {
                fail("required module class not on the class path: " + module, e);
            }
        }

        final OpenSearchRunner runner = new OpenSearchRunner();
        final AtomicBoolean closed = new AtomicBoolean(false);
        final CountDownLatch stop = new CountDownLatch(1);

        final Thread shutdownHook = new Thread(() -> {
            closeQuietly(runner, closed);
            stop.countDown();
        }, "search-engine-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);

        try {
            Files.createDirectories(basePath);

            // Ports are chosen by the caller; never probe for another one.
            runner.setMaxHttpPort(-1);
            runner.onBuild((index, settings) -> {
                settings.put("network.host", "127.0.0.1");
                settings.put("http.port", String.valueOf(httpPort));
                settings.put("transport.port", String.valueOf(transportPort));
                if (options.containsKey("-seedHosts")) {
                    settings.put("discovery.type", "zen");
                    settings.put("node.name", options.getOrDefault("-nodeName", "node-" + httpPort));
                    settings.putList("discovery.seed_hosts", List.of(options.get("-seedHosts").split(",")));
                    settings.putList("cluster.initial_cluster_manager_nodes",
                            List.of(options.getOrDefault("-initialManagers",
                                    options.getOrDefault("-nodeName", "node-" + httpPort)).split(",")));
                } else {
                    settings.put("discovery.type", "single-node");
                }
                // Tests must not depend on the free space of the machine.
                settings.put("cluster.routing.allocation.disk.threshold_enabled", false);
                // With a small heap the real-memory breaker trips too eagerly.
                settings.put("indices.breaker.total.use_real_memory", false);
                settings.put("action.destructive_requires_name", false);
            }).build(OpenSearchRunner.newConfigs()
                    .basePath(basePath.toString())
                    .numOfNode(1)
                    // only used for the runner's "HTTP Port:" log line (base + 1)
                    .baseHttpPort(httpPort - 1)
                    .clusterName(clusterName)
                    .moduleTypes(String.join(",", REQUIRED_MODULES)));

            final ClusterHealthStatus status = runner.ensureYellow();
            if (status == ClusterHealthStatus.RED) {
                fail("cluster health is RED after start-up", null);
            }
            System.out.println("OpenSearch " + Version.CURRENT + " cluster health: " + status);
            System.out.println("READY http://127.0.0.1:" + httpPort);
            System.out.flush();
        } catch (final Throwable e) {
            fail("failed to start the node", e);
        }

        if (options.containsKey("-exitOnStdinClose")) {
            final Thread watcher = new Thread(() -> {
                final InputStream in = System.in;
                final byte[] buffer = new byte[256];
                try {
                    while (in.read(buffer) != -1) {
                        // ignore whatever is written; only EOF matters
                    }
                } catch (final IOException e) {
                    // treat a broken stdin like a closed one
                }
                System.out.println("search-engine: stdin closed, shutting down");
                System.exit(0); // runs the shutdown hook
            }, "search-engine-stdin-watcher");
            watcher.setDaemon(true);
            watcher.start();
        }

        try {
            stop.await();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(final OpenSearchRunner runner, final AtomicBoolean closed) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            runner.close();
        } catch (final Throwable e) {
            System.err.println("search-engine: error while closing: " + e);
        }
    }

    private static void fail(final String message, final Throwable cause) {
        System.err.println("search-engine: " + message);
        if (cause != null) {
            cause.printStackTrace(System.err);
        }
        System.err.flush();
        // exit() runs the shutdown hook, which closes whatever was started.
        System.exit(1);
    }

    private static Map<String, String> parseArgs(final String[] args) {
        final Map<String, String> options = new LinkedHashMap<>();
        final List<String> flags = new ArrayList<>(List.of("-exitOnStdinClose"));
        final List<String> valued = List.of("-port", "-transportPort", "-basePath", "-clusterName",
                "-nodeName", "-seedHosts", "-initialManagers");
        for (int i = 0; i < args.length; i++) {
            final String arg = args[i];
            if (flags.contains(arg)) {
                options.put(arg, "true");
            } else if (valued.contains(arg)) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value for " + arg);
                }
                options.put(arg, args[++i]);
            } else {
                throw new IllegalArgumentException("unknown argument: " + arg);
            }
        }
        if (!options.containsKey("-port")) {
            throw new IllegalArgumentException("-port is required");
        }
        if (!options.containsKey("-basePath")) {
            throw new IllegalArgumentException("-basePath is required");
        }
        for (final String key : List.of("-port", "-transportPort")) {
            if (options.containsKey(key)) {
                try {
                    Integer.parseInt(options.get(key));
                } catch (final NumberFormatException e) {
                    throw new IllegalArgumentException(key + " must be a number: " + options.get(key));
                }
            }
        }
        return options;
    }
}
