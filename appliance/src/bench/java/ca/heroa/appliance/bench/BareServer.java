package ca.heroa.appliance.bench;

import ca.heroa.appliance.api.OpenApiService;
import ca.heroa.appliance.tls.ServerTls;
import io.helidon.http.HeaderNames;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The baseline: a bare Helidon SE WebServer with the appliance's TLS configuration ({@link ServerTls#load}, TLS 1.3
 * only, the same PEM files) and no application: {@code GET /v1/workspaces/{workspace}} answers the bytes of
 * {@code --payload} as application/json, {@code GET /v1/openapi} the appliance's OpenAPI document. No
 * authentication, no database, no filters.
 * <p>
 * Usage: {@code BareServer --port N --certificate PEM --private-key PEM [--payload FILE] [--max-seconds N] [--parent-pid PID]}
 */
public final class BareServer {
    private BareServer() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        LogConfig.configureRuntime();
        Options options = new Options(args);
        ServerTls tls = ServerTls.fromFiles(Path.of(options.required("certificate")), Path.of(options.required("private-key")));
        byte[] payload = options.optional("payload").isPresent()
                ? Files.readAllBytes(Path.of(options.required("payload")))
                : "{}".getBytes(StandardCharsets.UTF_8);
        byte[] openapi;
        try (InputStream in = BareServer.class.getResourceAsStream(OpenApiService.RESOURCE)) {
            openapi = in.readAllBytes();
        }
        WebServer server = WebServer.builder()
                .host("127.0.0.1")
                .port(options.integer("port", 0))
                .tls(tls.tls())
                .featuresDiscoverServices(false)
                .routing(routing -> routing
                        .get("/v1/workspaces/{workspace}", (request, response) -> {
                            response.header(HeaderNames.CONTENT_TYPE, "application/json");
                            response.send(payload);
                        })
                        .get("/v1/openapi", (request, response) -> {
                            response.header(HeaderNames.CONTENT_TYPE, "application/yaml");
                            response.send(openapi);
                        }))
                .build()
                .start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            stopped.countDown();
        }, "bench-bare-stop"));
        Lifetime.bound(Duration.ofSeconds(options.integer("max-seconds", 1800)), options.optional("parent-pid").map(Long::parseLong));
        System.out.println("bare server ready on port " + server.port());
        stopped.await();
    }
}
