package ca.heroa.appliance.api;

import ca.heroa.appliance.auth.Access;
import ca.heroa.appliance.auth.Authenticator;
import ca.heroa.appliance.egress.ApprovedDestination;
import ca.heroa.appliance.egress.EgressMetrics;
import ca.heroa.appliance.egress.EgressSettings;
import ca.heroa.appliance.egress.OutboundGate;
import ca.heroa.appliance.http.ApiRoute;
import ca.heroa.appliance.http.JsonCodec;
import ca.heroa.residency.ResidencyGuard;
import ca.heroa.residency.address.Cidr;
import ca.heroa.residency.country.DatasetInfo;
import ca.heroa.residency.plan.Allowance;
import ca.heroa.residency.plan.AttestedEndpoint;
import ca.heroa.residency.plan.Destination;
import ca.heroa.residency.plan.PortRange;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * {@code GET /v1/residency} (tenant admin): the evidence behind the residency promise, for the attestation report: the
 * country-range dataset (version, per-file SHA-256, licence), the site allowances, the attested endpoints with their
 * justifications, the appliance's own approved destinations, and the totals its tasks' firewalls counted.
 */
public final class ResidencyService implements ApiService {
    private final Authenticator authenticator;
    private final ResidencyGuard guard;
    private final EgressSettings settings;
    private final OutboundGate gate;
    private final EgressMetrics metrics;
    private final JsonCodec json;

    public ResidencyService(Authenticator authenticator, ResidencyGuard guard, EgressSettings settings, OutboundGate gate, EgressMetrics metrics,
                            JsonCodec json) {
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
        this.guard = requireNonNull(guard, "guard is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.gate = requireNonNull(gate, "gate is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.json = requireNonNull(json, "json is null");
    }

    @Override
    public List<ApiRoute> routes() {
        return List.of(new ApiRoute(Method.GET, "/v1/residency", this::show));
    }

    record FileView(String name, String sha256, long rows) {
    }

    record DatasetView(String version, List<FileView> files, long ipv4Ranges, long ipv6Ranges, String licence) {
        static DatasetView of(DatasetInfo info, String licence) {
            return new DatasetView(info.version(), info.files().stream().map(file -> new FileView(file.name(), file.sha256(), file.rows())).toList(),
                    info.ipv4Ranges(), info.ipv6Ranges(), licence);
        }
    }

    record AllowanceView(Optional<String> host, Optional<String> cidr, List<String> ports, String protocol) {
        static AllowanceView of(Allowance allowance) {
            return new AllowanceView(hostOf(allowance.destination()), cidrOf(allowance.destination()),
                    allowance.ports().stream().map(PortRange::toString).toList(), allowance.protocol().value());
        }
    }

    record AttestedView(Optional<String> host, Optional<String> cidr, String justification) {
        static AttestedView of(AttestedEndpoint endpoint) {
            return new AttestedView(hostOf(endpoint.destination()), cidrOf(endpoint.destination()), endpoint.justification());
        }
    }

    record DestinationView(String purpose, String host, int port, List<String> addresses) {
        static DestinationView of(ApprovedDestination destination) {
            return new DestinationView(destination.purpose(), destination.host(), destination.port(),
                    destination.addresses().stream().map(Cidr::text).toList());
        }
    }

    record ResidencyView(DatasetView dataset, List<AllowanceView> siteAllowances, List<AttestedView> attestedEndpoints,
                         List<DestinationView> applianceDestinations, EgressMetrics.Totals counters) {
    }

    private void show(ServerRequest request, ServerResponse response) {
        Access.requireTenantAdmin(authenticator.authenticate(request));
        json.send(response, Status.OK_200, new ResidencyView(DatasetView.of(guard.dataset(), settings.datasetLicence()),
                settings.site().allowances().stream().map(AllowanceView::of).toList(),
                guard.attested().stream().map(AttestedView::of).toList(),
                gate.approved().stream().map(DestinationView::of).toList(),
                metrics.totals()));
    }

    private static Optional<String> hostOf(Destination destination) {
        return destination instanceof Destination.HostName name ? Optional.of(name.name()) : Optional.empty();
    }

    private static Optional<String> cidrOf(Destination destination) {
        return destination instanceof Destination.Block block ? Optional.of(block.cidr().toString()) : Optional.empty();
    }
}
