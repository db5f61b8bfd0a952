package io.distillery.review.web;

import io.distillery.review.AuditAction;
import io.distillery.review.AuditEvent;
import io.distillery.review.AuditTrail;
import io.distillery.review.PackageView;
import io.distillery.review.ReviewException;
import io.distillery.review.ReviewGate;
import io.distillery.review.ReviewItem;
import io.distillery.review.ReviewStatus;
import io.quarkus.oidc.IdTokenCredential;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The compliance officer's review page: pending packages, one package with its privacy-audit report, manifest
 * summary and label distributions, and the approve/reject form. Reviewers and administrators decide; only
 * administrators export the audit trail. Forms carry an anti-CSRF token and a cross-origin POST is refused.
 */
@Path("/review")
public class ReviewPages {
    static final String REVIEWER = "reviewer";
    static final String ADMINISTRATOR = "administrator";
    // quarkus.oidc.logout.path in application.properties
    private static final String OIDC_LOGOUT = "/review/oidc-logout";
    // The report is a self-contained file with inline styles and data: images; it runs no script and loads nothing.
    private static final String REPORT_POLICY =
            "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'";

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance login(boolean error);

        static native TemplateInstance list(String user, boolean admin, List<ReviewItem> pending,
                List<ReviewItem> decided, String csrf);

        static native TemplateInstance pkg(String user, PackageView view, boolean reportAvailable,
                List<AuditEvent> events, String csrf, String error);
    }

    @Inject
    ReviewGate gate;

    @Inject
    CsrfTokens csrf;

    @Inject
    SecurityIdentity identity;

    @GET
    @Path("/login")
    @PermitAll
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance login(@QueryParam("error") boolean error) {
        return Templates.login(error);
    }

    @GET
    @RolesAllowed({REVIEWER, ADMINISTRATOR})
    public Response root() {
        return Response.seeOther(URI.create("/review/packages")).build();
    }

    @GET
    @Path("/packages")
    @RolesAllowed({REVIEWER, ADMINISTRATOR})
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance list() {
        List<ReviewItem> decided = new ArrayList<>(gate.queue().list(ReviewStatus.APPROVED));
        decided.addAll(gate.queue().list(ReviewStatus.REJECTED));
        decided.sort((a, b) -> b.decidedAt().compareTo(a.decidedAt()));
        return Templates.list(user(), identity.hasRole(ADMINISTRATOR), gate.queue().list(ReviewStatus.PENDING),
                decided, csrf.tokenFor(user()));
    }

    @GET
    @Path("/packages/{id}")
    @RolesAllowed({REVIEWER, ADMINISTRATOR})
    @Produces(MediaType.TEXT_HTML)
    public Response show(@PathParam("id") String id) {
        Optional<ReviewItem> item = gate.queue().get(id);
        if (item.isEmpty()) {
            return Response.status(Response.Status.NOT_FOUND).type(MediaType.TEXT_PLAIN)
                    .entity("no package " + id + " in review\n").build();
        }
        return Response.ok(page(item.get(), null)).build();
    }

    @GET
    @Path("/packages/{id}/report")
    @RolesAllowed({REVIEWER, ADMINISTRATOR})
    public Response report(@PathParam("id") String id) {
        Optional<ReviewItem> item = gate.queue().get(id);
        java.nio.file.Path report = item.map(i -> PackageView.reportPath(i.packageDir())).orElse(null);
        if (report == null || !Files.isRegularFile(report)) {
            return Response.status(Response.Status.NOT_FOUND).type(MediaType.TEXT_PLAIN)
                    .entity("no privacy-audit report for package " + id + "\n").build();
        }
        StreamingOutput body = out -> Files.copy(report, out);
        return Response.ok(body, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .header("Content-Security-Policy", REPORT_POLICY).header("X-Content-Type-Options", "nosniff").build();
    }

    @POST
    @Path("/packages/{id}/decision")
    @RolesAllowed({REVIEWER, ADMINISTRATOR})
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response decide(@PathParam("id") String id, @FormParam("manifest_sha256") String manifest,
            @FormParam("decision") String decision, @FormParam("reason") String reason,
            @FormParam("csrf") String token, @HeaderParam("Origin") String origin, @Context UriInfo uri) {
        Response refused = refuseForgedPost(token, origin, uri);
        if (refused != null) {
            return refused;
        }
        Optional<ReviewItem> item = gate.queue().get(id);
        if (item.isEmpty()) {
            return Response.status(Response.Status.NOT_FOUND).type(MediaType.TEXT_PLAIN)
                    .entity("no package " + id + " in review\n").build();
        }
        if (!"approve".equals(decision) && !"reject".equals(decision)) {
            return Response.status(Response.Status.BAD_REQUEST).entity(page(item.get(),
                    "choose approve or reject")).build();
        }
        if ("reject".equals(decision) && (reason == null || reason.isBlank())) {
            return Response.status(Response.Status.BAD_REQUEST).entity(page(item.get(),
                    "a rejection needs a reason")).build();
        }
        try {
            gate.decide(id, manifest, "approve".equals(decision), user(), reason);
        } catch (ReviewException e) {
            return Response.status(Response.Status.CONFLICT)
                    .entity(page(gate.queue().get(id).orElse(item.get()), e.getMessage())).build();
        }
        return Response.seeOther(URI.create("/review/packages/" + id)).build();
    }

    /** The whole audit trail as JSON lines; taking a copy is itself recorded. */
    @GET
    @Path("/audit.jsonl")
    @RolesAllowed(ADMINISTRATOR)
    public Response exportAudit() {
        AuditTrail trail = gate.trail();
        AuditTrail.Verification v = trail.verify();
        trail.record(user(), AuditAction.AUDIT_EXPORT, Map.of("format", "jsonl", "via", "web",
                "events", v.events(), "chain_intact", v.intact()));
        StreamingOutput body = out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            trail.exportJsonLines(w);
        };
        return Response.ok(body, "application/x-ndjson")
                .header("Content-Disposition", "attachment; filename=\"distillery-audit.jsonl\"")
                .header("X-Audit-Chain", v.intact() ? "intact; head " + v.headHash() : "BROKEN: " + v.problem())
                .build();
    }

    @POST
    @Path("/logout")
    @RolesAllowed({REVIEWER, ADMINISTRATOR})
    public Response logout(@FormParam("csrf") String token, @HeaderParam("Origin") String origin,
            @Context UriInfo uri) {
        Response refused = refuseForgedPost(token, origin, uri);
        if (refused != null) {
            return refused;
        }
        if (identity.getCredential(IdTokenCredential.class) != null) {
            // Signed in through the identity provider: quarkus-oidc ends the session there too (RP-initiated logout).
            return Response.seeOther(URI.create(OIDC_LOGOUT)).build();
        }
        return Response.seeOther(URI.create("/review/login"))
                .cookie(new NewCookie.Builder("quarkus-credential").path("/").maxAge(0).value("").build()).build();
    }

    private TemplateInstance page(ReviewItem item, String error) {
        PackageView view = PackageView.of(item);
        return Templates.pkg(user(), view, view.report().isPresent(), gate.trail().forPackage(item.packageId()),
                csrf.tokenFor(user()), error);
    }

    /** A POST must carry this user's token and, when the browser names its origin, come from this server. */
    private Response refuseForgedPost(String token, String origin, UriInfo uri) {
        boolean sameOrigin = origin == null || origin.equals(uri.getBaseUri().getScheme() + "://"
                + uri.getBaseUri().getAuthority());
        if (!sameOrigin || !csrf.valid(user(), token)) {
            return Response.status(Response.Status.FORBIDDEN).type(MediaType.TEXT_PLAIN)
                    .entity("refused: the form did not come from this review page (missing or wrong CSRF token)\n")
                    .build();
        }
        return null;
    }

    private String user() {
        return identity.getPrincipal().getName();
    }
}
