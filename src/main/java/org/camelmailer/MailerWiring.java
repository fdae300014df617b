package org.camelmailer;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.CliConnectorFactory;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.camelmailer.config.ConfigurationException;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import org.camelmailer.api.AdminApi;
import org.camelmailer.api.AllowedHosts;
import org.camelmailer.api.ApiDocs;
import org.camelmailer.api.ApiKeyGuard;
import org.camelmailer.api.ApiResponses;
import org.camelmailer.config.CorsOrigins;
import org.camelmailer.api.HttpAcceptors;
import org.camelmailer.api.HttpEdge;
import org.camelmailer.api.HttpStart;
import org.camelmailer.api.BatchAdmission;
import org.camelmailer.api.MessagePolicy;
import org.camelmailer.api.MessageValidator;
import org.camelmailer.content.AttachmentStore;
import org.camelmailer.dashboard.DashboardPage;
import org.camelmailer.dashboard.Overview;
import org.camelmailer.dashboard.RouteControl;
import org.camelmailer.content.LargeMessageGate;
import org.camelmailer.api.RateLimiter;
import org.camelmailer.api.TaskAdmission;
import org.camelmailer.api.SuppressionsApi;
import org.camelmailer.api.TemplatesApi;
import org.camelmailer.deliver.MailComposer;
import org.camelmailer.deliver.OutboxWriter;
import org.camelmailer.deliver.PooledMailSender;
import org.camelmailer.deliver.SmtpCircuit;
import org.camelmailer.deliver.SmtpCircuitRoutePolicy;
import org.camelmailer.deliver.SmtpTransport;
import org.camelmailer.enhance.GeminiCall;
import org.camelmailer.enhance.GeminiHttpClient;
import org.camelmailer.enhance.GeminiEnhancer;
import org.camelmailer.enhance.GeminiRoutes;
import org.camelmailer.enhance.GeminiExchangeLog;
import org.camelmailer.enhance.GeminiLogRetention;
import org.camelmailer.enhance.GeminiRateLimit;
import org.camelmailer.enhance.GeminiRequestBuilder;
import org.camelmailer.enhance.HtmlSanitizer;
import org.camelmailer.message.EmailAddress;
import org.camelmailer.worker.DeadLetters;
import org.camelmailer.redis.RedisConnection;
import org.camelmailer.queue.RedisQueueComponent;
import org.camelmailer.worker.RetryPolicy;
import org.camelmailer.worker.TaskLifecycle;
import org.camelmailer.queue.TaskQueue;
import org.camelmailer.status.TaskStatusStore;
import org.camelmailer.config.Role;
import org.camelmailer.config.SecretRedactor;
import org.camelmailer.config.Setting;
import org.camelmailer.config.Settings;
import org.camelmailer.config.WebhookUrls;
import org.camelmailer.observe.DeliveryHealthCheck;
import org.camelmailer.observe.JolokiaAccess;
import org.camelmailer.observe.MailerMetrics;
import org.camelmailer.observe.RedisHealthCheck;
import org.camelmailer.observe.WorkerHealthCheck;
import org.camelmailer.suppress.HardBounces;
import org.camelmailer.suppress.SuppressionList;
import org.camelmailer.template.TemplateStore;
import org.camelmailer.redis.RedisBootstrap;
import org.camelmailer.enhance.GeminiEndpoint;
import org.camelmailer.worker.Queues;
import org.camelmailer.webhook.WebhookDeadLetters;
import org.camelmailer.webhook.WebhookDelivery;
import org.camelmailer.webhook.WebhookJobs;
import org.camelmailer.webhook.WebhookSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Puts the service together from its {@link Settings}: picks Redis, SMTP or the outbox, and Gemini or none
 * (one WARN line for each default taken), and binds the beans the YAML routes refer to by name.
 */
public final class MailerWiring extends MainListenerSupport implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(MailerWiring.class);

    private final Settings settings;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final SecretRedactor redactor;
    /** The system prompt sent to Gemini (GEMINI_PROMPT_FILE), read at start; null in a process that never calls Gemini. */
    private final String geminiPrompt;
    /** Redis, connected on a thread of its own while Camel initialises (connectInBackground). */
    private CompletableFuture<StringRedisTemplate> redisConnecting;
    /** The HTTP edge's turns for large requests (MAILER_LARGE_MESSAGES), made with the beans. */
    private LargeMessageGate largeRequests;
    /** MAILER_API_KEY's check, for the API's routes and Jolokia's path. */
    private ApiKeyGuard apiKeyGuard;

    public MailerWiring(Settings settings) {
        this.settings = settings;
        this.redactor = new SecretRedactor(settings);
        // a missing or empty prompt stops the start here, before anything connects
        this.geminiPrompt = callsGemini() ? geminiPrompt(settings) : null;
    }

    /** A worker with a key calls Gemini: only then must the prompt file be there. */
    private boolean callsGemini() {
        return role().delivers() && settings.isSet(Setting.GEMINI_API_KEY);
    }

    private static String geminiPrompt(Settings settings) {
        String file = settings.get(Setting.GEMINI_PROMPT_FILE);
        try {
            return GeminiRequestBuilder.readInstruction(Path.of(file));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(Setting.GEMINI_PROMPT_FILE.name(), file, e.getMessage());
        }
    }

    /** Property placeholders for the routes: every non-secret setting plus what is derived from them. */
    public Properties properties() {
        Properties p = settings.toCamelProperties();
        p.setProperty("mailer.queue", Queues.PLAIN);
        p.setProperty("mailer.enhance-queue", Queues.ENHANCE);
        p.setProperty("mailer.transport", settings.isSet(Setting.SMTP_SERVER) ? "smtp" : "outbox");
        p.setProperty("mailer.smtp-uri", settings.isSet(Setting.SMTP_SERVER)
                ? SmtpTransport.uri(settings.get(Setting.SMTP_SERVER), smtpPort(), smtpSecurity())
                : "smtp://localhost:25");
        p.setProperty("gemini.enabled", Boolean.toString(settings.isSet(Setting.GEMINI_API_KEY)));
        p.putAll(GeminiEndpoint.properties(settings.get(Setting.GEMINI_BASE_URL), settings.get(Setting.GEMINI_MODEL),
                settings.getDuration(Setting.GEMINI_TIMEOUT), geminiConcurrency()));
        p.setProperty("mailer.worker-concurrency", Integer.toString(settings.getInt(Setting.MAILER_WORKER_CONCURRENCY)));
        p.setProperty("mailer.gemini-concurrency", Integer.toString(geminiConcurrency()));
        p.setProperty("mailer.max-body-size", Integer.toString(settings.getInt(Setting.MAILER_MAX_BODY_SIZE)));
        p.setProperty("mailer.http-body-limit", Long.toString(HttpEdge.serverBodyLimit(
                settings.getInt(Setting.MAILER_MAX_BODY_SIZE), settings.getInt(Setting.MAILER_MAX_MESSAGE_SIZE))));
        p.setProperty("mailer.http.port", Integer.toString(settings.getInt(Setting.MAILER_HTTP_PORT)));
        p.setProperty("mailer.webhook-queue", WebhookJobs.QUEUE);
        // camel-http's timeouts are whole milliseconds
        p.setProperty("mailer.webhook.timeout-millis",
                Long.toString(settings.getDuration(Setting.MAILER_WEBHOOK_TIMEOUT).toMillis()));
        // Camel's own stop waits a little longer than the workers' hand-back deadline (its setting is in seconds)
        p.setProperty("camel.main.shutdown-timeout",
                Long.toString(settings.getDuration(Setting.MAILER_SHUTDOWN_TIMEOUT).toSeconds() + 5));
        // MAILER_ROLE picks the route files; the HTTP server stays up in every role for health and metrics
        String excluded = role().excludedRoutes(settings.isSet(Setting.MAILER_WEBHOOK_URL));
        if (!excluded.isEmpty()) {
            p.setProperty("camel.main.routes-exclude-pattern", excluded);
        }
        // live reload of routes/*.camel.yaml: for development, off unless asked for
        p.setProperty("camel.main.routes-reload-enabled", Boolean.toString(settings.getBoolean(Setting.MAILER_ROUTES_RELOAD)));
        // read by worker-errors (errors.camel.yaml) as true or false, whatever case it was written in
        p.setProperty(Setting.MAILER_SUPPRESS_HARD_BOUNCES.key(),
                Boolean.toString(settings.getBoolean(Setting.MAILER_SUPPRESS_HARD_BOUNCES)));
        // Camel's Jolokia only as MAILER_JOLOKIA says, whatever application.properties has
        p.setProperty("camel.management.jolokia-enabled", Boolean.toString(jolokia().enabled()));
        return p;
    }

    private JolokiaAccess jolokia() {
        return JolokiaAccess.of(settings.get(Setting.MAILER_JOLOKIA));
    }

    private Role role() {
        return Role.of(settings.get(Setting.MAILER_ROLE));
    }

    private int geminiConcurrency() {
        return settings.getInt(Setting.MAILER_GEMINI_CONCURRENCY);
    }

    private Duration visibilityTimeout() {
        return settings.getDuration(Setting.MAILER_VISIBILITY_TIMEOUT);
    }

    /**
     * Starts connecting to Redis (a pool, a PING) and creating the JVM's MBean server for JMX on a thread of its own:
     * Camel initialises on the main thread and a start otherwise leaves the second core idle. {@link #configure}
     * takes the connection (or its failure) from there; without this call it connects itself.
     */
    public void connectInBackground() {
        redisConnecting = new CompletableFuture<>();
        Thread warmUp = new Thread(() -> {
            try {
                redisConnecting.complete(redis());
            } catch (Throwable e) {
                redisConnecting.completeExceptionally(e);
            }
            ManagementFactory.getPlatformMBeanServer();
        }, "mailer-start");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        Registry registry = context.getRegistry();
        LOG.info("camel-mailer role: {}", role().name().toLowerCase());
        StringRedisTemplate redis = connectedRedis();
        Duration statusTtl = settings.getDuration(Setting.MAILER_STATUS_TTL);
        // each event MAILER_WEBHOOK_EVENTS names becomes one webhook job per receiver, pushed with the record change
        WebhookJobs webhookJobs = settings.isSet(Setting.MAILER_WEBHOOK_URL)
                ? WebhookJobs.of(settings.get(Setting.MAILER_WEBHOOK_URL), settings.get(Setting.MAILER_WEBHOOK_EVENTS))
                : WebhookJobs.none();
        TaskStatusStore statuses = new TaskStatusStore(redis, statusTtl, webhookJobs.outbox());
        List<TaskQueue> queues = Queues.ALL.stream().map(key -> new TaskQueue(redis, key)).toList();
        TaskQueue webhookQueue = new TaskQueue(redis, WebhookJobs.QUEUE);
        MailerMetrics metrics = metrics(registry, queues, webhookQueue);
        registry.bind("redisHealthCheck", new RedisHealthCheck(redis));
        // paused deliveries (a refused login, TLS that cannot work): the taking routes wait, readiness says why
        SmtpCircuit circuit = new SmtpCircuit(settings.getDuration(Setting.SMTP_PAUSE_ON_REFUSAL));
        resources.add(circuit::shutdown);
        registry.bind("smtpCircuitPolicy", new SmtpCircuitRoutePolicy(circuit));
        if (role().delivers()) {
            registry.bind("deliveryHealthCheck", settings.isSet(Setting.SMTP_SERVER)
                    ? DeliveryHealthCheck.smtp(settings.get(Setting.SMTP_SERVER), smtpPort(),
                            smtpSecurity() != SmtpTransport.Security.SSL, circuit)
                    : DeliveryHealthCheck.outbox(Path.of(settings.get(Setting.MAILER_OUTBOX_DIR))));
            registry.bind("workerHealthCheck", new WorkerHealthCheck(context));
        }

        // camel-cli-connector, found on the class path, starts by itself: its status task runs every second (every
        // health check included) and costs the start about half a second of CPU, so only when MAILER_CAMEL_CLI=true
        CliConnectorFactory cli = context.getCamelContextExtension().getContextPlugin(CliConnectorFactory.class);
        if (cli != null) {
            cli.setEnabled(settings.getBoolean(Setting.MAILER_CAMEL_CLI));
        }
        registry.bind("redisTemplate", redis);
        // Camel's HTTP server creates Vert.x with these: it serves no files from the class path, and without that
        // resolver Vert.x makes no vertx-cache-* folder in the temp dir (left behind by a process killed with -9)
        registry.bind("vertxOptions", new VertxOptions().setFileSystemOptions(
                new FileSystemOptions().setClassPathResolvingEnabled(false).setFileCachingEnabled(false)));
        registry.bind("taskStatusStore", statuses);
        context.addComponent("redis-queue", new RedisQueueComponent());

        TemplateStore templates = templateStore();
        registry.bind("templateStore", templates);
        registry.bind("templatesApi", new TemplatesApi(templates));
        registry.bind("messageValidator", new MessageValidator(MessagePolicy.of(
                list(Setting.MAILER_ALLOWED_RECIPIENT_DOMAINS), settings.get(Setting.SENDER_EMAIL),
                list(Setting.MAILER_ALLOWED_SENDERS), settings.getInt(Setting.MAILER_MAX_RECIPIENTS),
                settings.getInt(Setting.MAILER_MAX_MESSAGE_SIZE), settings.getInt(Setting.MAILER_MAX_BODY_SIZE),
                settings.getInt(Setting.MAILER_BATCH_MAX))
                .withMaxScheduleAhead(settings.getDuration(Setting.MAILER_MAX_SCHEDULE_AHEAD)), templates));
        // attachments wait beside their task as long as it may be retried, and as its record lives
        AttachmentStore attachments = new AttachmentStore(redis,
                statusTtl.plus(settings.getDuration(Setting.MAILER_RETRY_MAX_AGE)));
        registry.bind("attachmentStore", attachments);
        // a few large messages in memory at once, in the API and in the workers each
        int large = settings.getInt(Setting.MAILER_LARGE_MESSAGES);
        long smallBody = settings.getInt(Setting.MAILER_MAX_BODY_SIZE);
        largeRequests = new LargeMessageGate(large, smallBody, Duration.ZERO);
        registry.bind("largeTasks", new LargeMessageGate(large, smallBody, Duration.ofMinutes(1)));
        registry.bind("rateLimiter", RateLimiter.of(settings.get(Setting.MAILER_RATE_LIMIT)));
        // mailer:suppressions: filled by worker-errors from refusals at RCPT TO, read and edited under /admin, and
        // read by both admissions (a suppressed recipient is left out of a new message)
        SuppressionList suppressions = new SuppressionList(redis, metrics);
        registry.bind("taskAdmission", new TaskAdmission(redis, statuses, attachments, statusTtl,
                Queues.PLAIN, settings.isSet(Setting.GEMINI_API_KEY) ? Queues.ENHANCE : null));
        registry.bind("batchAdmission", new BatchAdmission(redis, statuses, attachments, suppressions, Queues.PLAIN,
                settings.isSet(Setting.GEMINI_API_KEY) ? Queues.ENHANCE : null, statusTtl));
        registry.bind("apiResponses", new ApiResponses(statuses, metrics));
        // DELETE and PATCH /message/{task_id}: cancel or move a task still waiting
        registry.bind("taskChanges", new org.camelmailer.api.TaskChanges(statuses, attachments));
        apiKeyGuard = apiKeyGuard();
        registry.bind("apiKeyGuard", apiKeyGuard);
        // before Camel's management server creates its Jolokia plugin, which reads the policy then
        jolokia().apply();
        DeadLetters deadLetters = new DeadLetters(redis, statuses, Queues.ALL);
        registry.bind("adminApi", new AdminApi(deadLetters, new WebhookDeadLetters(redis)));
        // GET /dashboard's own numbers and the route controller's suspend/resume, under /admin (queues: Queues.ALL,
        // plain then enhance)
        registry.bind("overview", new Overview(queues.get(0), queues.get(1), webhookQueue, deadLetters, statuses,
                metrics));
        registry.bind("routeControl", new RouteControl(context));
        registry.bind("suppressionList", suppressions);
        registry.bind("suppressionsApi", new SuppressionsApi(suppressions));
        registry.bind("hardBounces", new HardBounces(suppressions, redactor));
        if (role().delivers() && settings.isSet(Setting.MAILER_WEBHOOK_URL)) {
            webhooks(registry, metrics);
        }

        registry.bind("taskLifecycle", new TaskLifecycle(statuses, new RetryPolicy(
                // no count unless set: MAILER_RETRY_MAX_AGE decides, as an MTA's queue lifetime does
                settings.isSet(Setting.MAILER_MAX_ATTEMPTS) ? settings.getInt(Setting.MAILER_MAX_ATTEMPTS) : 0,
                settings.getDuration(Setting.MAILER_RETRY_DELAY),
                settings.getDuration(Setting.MAILER_RETRY_MAX_DELAY), settings.getDuration(Setting.MAILER_RETRY_MAX_AGE),
                settings.getDuration(Setting.SMTP_UNCERTAIN_RETRY_DELAY)),
                metrics, redactor, visibilityTimeout()));
        if (role().delivers()) {
            gemini(context, metrics, redis);
        }
        registry.bind("mailComposer", new MailComposer(settings.get(Setting.SENDER_EMAIL)));
        registry.bind("outboxWriter", new OutboxWriter(Path.of(settings.get(Setting.MAILER_OUTBOX_DIR))));
        smtp(context, circuit);
        // after Camel's HTTP server and before the routes: a port not bound stops the start before a task is taken
        context.addStartupListener(new HttpStart(settings.get(Setting.MAILER_HTTP_HOST),
                settings.getInt(Setting.MAILER_HTTP_PORT), this::httpEdge));
    }

    private List<String> list(Setting setting) {
        return Arrays.stream(settings.get(setting).split(",")).map(String::strip).filter(v -> !v.isEmpty()).toList();
    }

    private void httpEdge(CamelContext context) {
        HttpEdge.install(context, CorsOrigins.parse(settings.get(Setting.CORS_ORIGINS)),
                AllowedHosts.of(settings.get(Setting.MAILER_HTTP_HOST), settings.get(Setting.MAILER_ALLOWED_HOSTS)),
                settings.getInt(Setting.MAILER_MAX_BODY_SIZE), largeRequests);
        if (jolokia().enabled()) {
            String path = context.resolvePropertyPlaceholders("{{camel.management.jolokia-path:/observe/jolokia}}");
            HttpEdge.requireKey(context, path, apiKeyGuard);
            LOG.info("MAILER_JOLOKIA={}: Jolokia at {} needs MAILER_API_KEY; Jolokia policy {}", jolokia().setting(),
                    path, jolokia().policyLocation());
        }
        // Swagger UI at /docs on the description the rest DSL gives at /openapi.json
        VertxPlatformHttpRouter router = CamelContextHelper.findSingleByType(context, VertxPlatformHttpRouter.class);
        ApiDocs.install(router);
        if (role().serves()) {
            // the operators' page at /dashboard, on the /admin endpoints (which a worker-only process has not)
            DashboardPage.install(router, settings.isSet(Setting.MAILER_API_KEY));
        }
        try {
            // one HTTP event loop per core, not Camel's single one
            HttpAcceptors.spread(context, Runtime.getRuntime().availableProcessors());
        } catch (Exception e) {
            throw new IllegalStateException("cannot open the HTTP port on more event loops: " + e.getMessage(), e);
        }
    }

    /** The Redis connectInBackground connected to (its failure is this start's failure), or a new one. */
    private StringRedisTemplate connectedRedis() {
        if (redisConnecting == null) {
            return redis();
        }
        try {
            return redisConnecting.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private StringRedisTemplate redis() {
        RedisBootstrap bootstrap = RedisBootstrap.start(settings.get(Setting.REDIS_URL),
                settings.isSet(Setting.REDIS_SENTINELS), Path.of(settings.get(Setting.MAILER_DATA_DIR)));
        resources.add(bootstrap);
        int pool = RedisConnection.poolSize(settings.getInt(Setting.MAILER_WORKER_CONCURRENCY)
                + settings.getInt(Setting.MAILER_WEBHOOK_CONCURRENCY), geminiConcurrency());
        StringRedisTemplate template;
        if (settings.isSet(Setting.REDIS_SENTINELS)) {
            String master = settings.get(Setting.REDIS_SENTINEL_MASTER);
            LOG.info("Redis: master '{}' through Sentinel {}", master, settings.get(Setting.REDIS_SENTINELS));
            template = RedisConnection.sentinel(master, settings.get(Setting.REDIS_SENTINELS), bootstrap.url(), pool);
        } else {
            LOG.info("Redis: {}", RedisConnection.redact(bootstrap.url()));
            template = RedisConnection.template(bootstrap.url(), pool);
        }
        // an explicit REDIS_URL that does not answer is a startup error, never silently replaced
        RedisConnection.verify(template, bootstrap.url());
        resources.add(0, () -> ((org.springframework.data.redis.connection.jedis.JedisConnectionFactory)
                template.getConnectionFactory()).destroy());
        return template;
    }

    private static MailerMetrics metrics(Registry registry, List<TaskQueue> queues, TaskQueue webhooks) {
        MailerMetrics metrics = MailerMetrics.in(registry);
        metrics.gauge("mailer.webhooks.queue.depth", "webhook jobs waiting: ready plus scheduled for a retry",
                webhooks::depth);
        metrics.gauge("mailer.queue.depth", "tasks waiting: ready plus scheduled for a retry",
                () -> queues.stream().mapToLong(TaskQueue::depth).sum());
        metrics.gauge("mailer.queue.inflight", "tasks held by workers",
                () -> queues.stream().mapToLong(TaskQueue::inflight).sum());
        return metrics;
    }

    /**
     * The webhook delivery (routes/webhooks.camel.yaml): the receivers, the signing key, and the mail's backoff
     * (MAILER_RETRY_DELAY doubling up to MAILER_RETRY_MAX_DELAY) until MAILER_WEBHOOK_MAX_AGE.
     */
    private void webhooks(Registry registry, MailerMetrics metrics) {
        WebhookUrls urls = WebhookUrls.parse(settings.get(Setting.MAILER_WEBHOOK_URL));
        Duration maxAge = settings.getDuration(Setting.MAILER_WEBHOOK_MAX_AGE);
        RetryPolicy backoff = new RetryPolicy(0, settings.getDuration(Setting.MAILER_RETRY_DELAY),
                settings.getDuration(Setting.MAILER_RETRY_MAX_DELAY), maxAge);
        registry.bind("webhookDelivery", new WebhookDelivery(urls,
                new WebhookSigner(settings.get(Setting.MAILER_WEBHOOK_SECRET)), maxAge, backoff::backoff, metrics));
        LOG.info("webhooks: {} to {} receiver(s) ({})", settings.get(Setting.MAILER_WEBHOOK_EVENTS), urls.size(),
                WebhookUrls.redact(settings.get(Setting.MAILER_WEBHOOK_URL)));
    }

    private ApiKeyGuard apiKeyGuard() {
        ApiKeyGuard guard = new ApiKeyGuard(settings.get(Setting.MAILER_API_KEY));
        if (role().serves()) {
            guard.warnIfOpen(settings.get(Setting.MAILER_HTTP_HOST), CorsOrigins.parse(settings.get(Setting.CORS_ORIGINS)));
        }
        return guard;
    }

    /**
     * The beans of the Gemini step (enhance.GeminiRoutes and routes/enhance.camel.yaml): its decisions, the shared rate
     * limit, one attempt, the HTTP client that adds the key, the log's retention, and the pool delayed attempts run on.
     */
    private void gemini(CamelContext context, MailerMetrics metrics, StringRedisTemplate redis) {
        Registry registry = context.getRegistry();
        String model = settings.get(Setting.GEMINI_MODEL);
        if (!settings.isSet(Setting.GEMINI_API_KEY)) {
            LOG.warn("GEMINI_API_KEY is not set: enhance_content is ignored and every mail is sent as plain text");
        }
        registry.bind("geminiHttpClient", new GeminiHttpClient(settings.get(Setting.GEMINI_API_KEY)));
        registry.bind("geminiEnhancer", new GeminiEnhancer(
                new GeminiRequestBuilder(geminiPrompt != null ? geminiPrompt : "(not called: GEMINI_API_KEY is not set)",
                        settings.getDouble(Setting.GEMINI_TEMPERATURE), settings.getInt(Setting.GEMINI_MAX_OUTPUT_TOKENS)),
                new HtmlSanitizer(), settings.getInt(Setting.GEMINI_MAX_ATTEMPTS),
                settings.getDuration(Setting.GEMINI_RETRY_DELAY), settings.getDuration(Setting.GEMINI_RETRY_MAX_DELAY),
                redactor));
        int rpm = settings.isSet(Setting.GEMINI_RPM) ? settings.getInt(Setting.GEMINI_RPM) : 0;
        if (rpm > 0 && settings.isSet(Setting.GEMINI_API_KEY)) {
            LOG.info("GEMINI_RPM={}: the Gemini calls of every process on this Redis stay under {} a minute ({})",
                    rpm, rpm, GeminiRateLimit.KEY);
        }
        registry.bind("geminiRateLimit", new GeminiRateLimit(redis, rpm));
        Path logDir = Path.of(settings.get(Setting.GEMINI_LOG_DIR));
        registry.bind("geminiCall", new GeminiCall(model, new GeminiExchangeLog(logDir, redactor), metrics, redactor));
        registry.bind("geminiLogRetention",
                new GeminiLogRetention(logDir, settings.getDuration(Setting.GEMINI_LOG_RETENTION)));
        // a delayed attempt then runs on one of these: as many as tasks can be in hand (MAILER_GEMINI_CONCURRENCY),
        // created as needed; Camel's shared pool of 10 would cap the calls after a wait at 10
        registry.bind(GeminiRoutes.RETRY_THREADS, context.getExecutorServiceManager()
                .newScheduledThreadPool(this, "gemini-retry", geminiConcurrency()));
    }

    /** templates/ (MAILER_TEMPLATES_DIR), read at each message like routes/ at start: a folder yet to be made will do. */
    private TemplateStore templateStore() {
        Path dir = Path.of(settings.get(Setting.MAILER_TEMPLATES_DIR));
        if (role().serves() && !Files.isDirectory(dir)) {
            LOG.info("MAILER_TEMPLATES_DIR={}: no such folder ({}): no template until one is made there",
                    settings.get(Setting.MAILER_TEMPLATES_DIR), dir.toAbsolutePath());
        }
        return new TemplateStore(dir);
    }

    /** The service's Java DSL routes for this role (its YAML routes are chosen by file, see {@link Role}). */
    public List<RoutesBuilder> javaRoutes() {
        return role().delivers() ? List.of(new GeminiRoutes()) : List.of();
    }

    private void smtp(CamelContext context, SmtpCircuit circuit) {
        if (!settings.isSet(Setting.SMTP_SERVER)) {
            LOG.warn("SMTP_SERVER is not set: mails are written to {}/<task_id>.eml instead of being sent",
                    settings.get(Setting.MAILER_OUTBOX_DIR));
            return;
        }
        SmtpTransport.Security security = smtpSecurity();
        SmtpTransport.HeloName helo = SmtpTransport.heloName(settings.get(Setting.SMTP_HELO_NAME),
                EmailAddress.parse(settings.get(Setting.SENDER_EMAIL)).domain(), settings.get(Setting.SMTP_SERVER),
                smtpPort());
        PooledMailSender sender = SmtpTransport.register(context, settings.get(Setting.SMTP_SERVER), smtpPort(), security,
                settings.get(Setting.SMTP_LOGIN), settings.get(Setting.SMTP_PASSWORD),
                settings.get(Setting.SMTP_SSL_TRUST), helo.name(), settings.getDuration(Setting.SMTP_TIMEOUT),
                settings.getDuration(Setting.SMTP_DATA_TIMEOUT),
                // a mail the server had no connection for (421) comes back after the first retry delay, uncharged
                PooledMailSender.Limits.of(settings.getInt(Setting.MAILER_WORKER_CONCURRENCY),
                        settings.getDuration(Setting.SMTP_TIMEOUT), settings.getDuration(Setting.MAILER_RETRY_DELAY)),
                circuit);
        resources.add(0, sender::closeIdle);
        if (settings.sendsPasswordInClear()) {
            LOG.warn("SMTP_ALLOW_PLAINTEXT_AUTH=true: SMTP_PASSWORD goes in clear to {} (SMTP_SECURITY=none); anyone on the "
                    + "network path can read it", settings.get(Setting.SMTP_SERVER));
        }
        LOG.info("SMTP: {} ({}){}, EHLO {} ({}{})", SmtpTransport.uri(settings.get(Setting.SMTP_SERVER), smtpPort(), security),
                security.name().toLowerCase(), settings.isSet(Setting.SMTP_LOGIN) ? " with AUTH" : "", helo.name(),
                helo.origin(), settings.isSet(Setting.SMTP_HELO_NAME) ? "" : "; SMTP_HELO_NAME sets it");
    }

    private int smtpPort() {
        return settings.getInt(Setting.SMTP_PORT);
    }

    private SmtpTransport.Security smtpSecurity() {
        return SmtpTransport.security(settings.get(Setting.SMTP_SECURITY), smtpPort());
    }

    @Override
    public void afterStop(BaseMainSupport main) {
        if (redisConnecting != null) {
            // a start that failed before configure: the connection (or embedded Redis) is still closed below
            redisConnecting.exceptionally(e -> null).join();
        }
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", r, e.getMessage());
            }
        }
    }
}
