package org.imageportal.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.imageportal.dicom.TestDicom;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Page;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The portal's DICOMweb as npm's {@code dicomweb-client} (the client of OHIF and many web viewers, which nobody on
 * the project wrote) sees it, run in Chromium: it stores two instances (STOW-RS), finds them at every QIDO-RS level,
 * reads the study's metadata, retrieves an instance whose bytes are the ones stored and a frame of the stored size.
 */
@QuarkusTest
class DicomWebClientPeerTest extends BrowserTest {

    private static final Path CLIENT = Path.of("webapp/node_modules/dicomweb-client/build/dicomweb-client.js");

    /** Runs the client's calls in the page; returns what each found, for the test to compare with the source. */
    private static final String SCRIPT = """
            async ({url, token, instances, patientId}) => {
              const client = new DICOMwebClient.api.DICOMwebClient({url, headers: {Authorization: 'Bearer ' + token}});
              const bytes = b64 => Uint8Array.from(atob(b64), c => c.charCodeAt(0)).buffer;
              const hex = async buffer => Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', buffer)))
                  .map(b => b.toString(16).padStart(2, '0')).join('');
              const value = (dataset, tag) => dataset[tag] && dataset[tag].Value ? dataset[tag].Value[0] : null;
              await client.storeInstances({datasets: instances.map(bytes)});
              const studies = await client.searchForStudies({queryParams: {PatientID: patientId}});
              const study = value(studies[0], '0020000D');
              const series = await client.searchForSeries({studyInstanceUID: study});
              const seriesUid = value(series[0], '0020000E');
              const found = await client.searchForInstances({studyInstanceUID: study, seriesInstanceUID: seriesUid});
              const metadata = await client.retrieveStudyMetadata({studyInstanceUID: study});
              const first = found.map(i => value(i, '00080018')).sort()[0];
              const ids = {studyInstanceUID: study, seriesInstanceUID: seriesUid, sopInstanceUID: first};
              const instance = await client.retrieveInstance(ids);
              const frames = await client.retrieveInstanceFrames({...ids, frameNumbers: [1]});
              return {
                studies: studies.length, study, series: series.length, seriesUid,
                instances: found.map(i => value(i, '00080018')).sort(),
                metadata: metadata.map(m => value(m, '00100020') + '|' + value(m, '00280010')),
                first, instanceSha256: await hex(instance), frameBytes: frames[0].byteLength
              };
            }
            """;

    @Test
    @SuppressWarnings("unchecked")
    void dicomwebClientStoresFindsAndRetrievesWhatWasStored() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        TestDicom one = TestDicom.ct(patient).number(1).size(32).seed(811);
        TestDicom two = TestDicom.ct(patient).study(one.studyUid()).series(one.seriesUid()).number(2).size(32)
                .seed(812);
        byte[] firstBytes = one.sopInstanceUid().compareTo(two.sopInstanceUid()) < 0 ? one.bytes() : two.bytes();
        String desk = TestRealm.mfaToken(TestRealm.createUser("frontdesk"));

        Page page = browser.newPage();
        page.navigate(url("/"));
        // evaluated as the test's own code: the portal's script policy forbids inline scripts on its pages
        page.evaluate("() => {\n" + Files.readString(CLIENT) + "\n}");
        Map<String, Object> seen = (Map<String, Object>) page.evaluate(SCRIPT, Map.of("url", url("/dicomweb"),
                "token", desk, "patientId", patient.id(), "instances",
                List.of(Base64.getEncoder().encodeToString(one.bytes()),
                        Base64.getEncoder().encodeToString(two.bytes()))));

        assertThat(seen.get("studies")).isEqualTo(1);
        assertThat(seen.get("study")).isEqualTo(one.studyUid());
        assertThat(seen.get("series")).isEqualTo(1);
        assertThat(seen.get("seriesUid")).isEqualTo(one.seriesUid());
        assertThat((List<String>) seen.get("instances"))
                .containsExactlyInAnyOrder(one.sopInstanceUid(), two.sopInstanceUid());
        assertThat((List<String>) seen.get("metadata")).containsExactly(patient.id() + "|32", patient.id() + "|32");
        assertThat(seen.get("instanceSha256"))
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(firstBytes)));
        assertThat(seen.get("frameBytes")).isEqualTo(32 * 32 * 2);
    }
}
