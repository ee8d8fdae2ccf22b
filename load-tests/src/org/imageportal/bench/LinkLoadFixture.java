package org.imageportal.bench;

import static io.restassured.RestAssured.given;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.ShareLinks;
import org.imageportal.support.TestRealm;

import io.restassured.RestAssured;

/**
 * What the link-open load scenario (load-tests/gatling) needs: the packaged portal running, a patient with a study
 * (4 CT images of 256 x 256), and share links issued by the patient through the API, written as a CSV of link path,
 * access code and study UID. It opens links a few hundred times first (JIT warm-up), then prints READY with the
 * portal's address, then keeps the portal up until its standard input closes.
 *
 * <pre>
 * java ... org.imageportal.bench.LinkLoadFixture --jar target/quarkus-app/quarkus-run.jar --links 200 \
 *     --warm-up 300 --out links.csv
 * </pre>
 */
public final class LinkLoadFixture {

    private LinkLoadFixture() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(arg(args, "--jar", "target/quarkus-app/quarkus-run.jar"));
        int count = Integer.parseInt(arg(args, "--links", "200"));
        int warmUp = Integer.parseInt(arg(args, "--warm-up", "300"));
        Path out = Path.of(arg(args, "--out", "links.csv"));
        System.setProperty("portal.identity.keycloak-url", System.getenv("PORTAL_KEYCLOAK_URL"));
        System.setProperty("portal.identity.realm", System.getenv("PORTAL_KEYCLOAK_REALM"));
        Path log = Files.createTempFile("portal-load", ".log");
        try (PortalProcess portal = PortalProcess.start(jar, log)) {
            RestAssured.baseURI = portal.base();
            RestAssured.port = Integer.parseInt(portal.base().substring(portal.base().lastIndexOf(':') + 1));
            TestDicom.Patient patient = TestDicom.Patient.random();
            String studyUid = TestDicom.newUid();
            String series = TestDicom.newUid();
            List<byte[]> images = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                images.add(TestDicom.ct(patient).study(studyUid).series(series).number(i).seed(i).size(256).bytes());
            }
            Dicomweb.stow(TestRealm.ingestToken(), images).then().statusCode(200);
            BenchPatients.Owner owner = BenchPatients.owner(patient.id());
            String token = owner.token();
            String studyId = owner.studyId();
            List<String> rows = new ArrayList<>(List.of("path,code,study"));
            List<ShareLinks.Issued> links = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ShareLinks.Issued link = ShareLinks.issue(token, studyId, Map.of());
                links.add(link);
                rows.add(link.path() + "," + link.code() + "," + studyUid);
            }
            Files.write(out, rows, StandardCharsets.UTF_8);
            // a server runs for days: measure it after the JIT has compiled the paths, not while it does
            for (int i = 0; i < warmUp; i++) {
                ShareLinks.Issued link = links.get(i % links.size());
                given().cookie("portal_link", ShareLinks.openSession(link))
                        .get(link.path() + "/dicomweb/studies/" + studyUid + "/metadata").then().statusCode(200);
            }
            System.out.println("READY " + portal.base() + " (portal log: " + log + ")");
            System.out.flush();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                while (in.readLine() != null) {
                    // the portal stays up until the caller closes our input
                }
            }
        }
    }

    private static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
