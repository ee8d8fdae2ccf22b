package org.imageportal.dicomweb;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** The Retrieve Capabilities transaction: a well-formed WADL naming the resources, to authenticated callers only. */
@QuarkusTest
class CapabilitiesTest {

    @Test
    void optionsOnTheRootDescribesTheService() throws Exception {
        Response answer = given().auth().oauth2(TestRealm.ingestToken()).options("/dicomweb");
        answer.then().statusCode(200).contentType(CapabilitiesResource.WADL);
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document wadl = factory.newDocumentBuilder().parse(new ByteArrayInputStream(answer.asByteArray()));
        Element resources = (Element) wadl.getElementsByTagNameNS("http://wadl.dev.java.net/2009/02", "resources")
                .item(0);
        assertThat(resources.getAttribute("base")).endsWith("/dicomweb/");
        NodeList nodes = wadl.getElementsByTagNameNS("http://wadl.dev.java.net/2009/02", "resource");
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            paths.add(((Element) nodes.item(i)).getAttribute("path"));
        }
        assertThat(paths).contains("studies", "series", "instances", "studies/{study}/metadata",
                "studies/{study}/series/{series}/instances/{instance}/frames/{frames}",
                "studies/{study}/series/{series}/instances/{instance}/rendered",
                "studies/{study}/series/{series}/thumbnail");
        NodeList methods = wadl.getElementsByTagNameNS("http://wadl.dev.java.net/2009/02", "method");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < methods.getLength(); i++) {
            ids.add(((Element) methods.item(i)).getAttribute("id"));
        }
        assertThat(ids).doesNotHaveDuplicates().contains("SearchForStudies", "StoreInstances", "RetrieveFrames",
                "RetrieveRenderedInstance", "RetrieveRenderedFrames", "RetrieveInstanceThumbnail",
                "RetrieveSeriesThumbnail");
    }

    @Test
    void anonymousCallersGetNothing() {
        given().options("/dicomweb").then().statusCode(401);
    }

    @Test
    void theOpenApiDocumentNamesTheRenderedMediaTypesAndParameters() {
        String admin = TestRealm.mfaToken(TestRealm.createUser("admin"));
        io.restassured.path.json.JsonPath doc = given().auth().oauth2(admin).accept("application/json")
                .get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath();
        for (String root : List.of("/dicomweb", "/viewer/dicomweb", "/s/{token}/dicomweb")) {
            for (String resource : List.of("/studies/{study}/series/{series}/instances/{instance}/rendered",
                    "/studies/{study}/series/{series}/instances/{instance}/frames/{frame}/rendered",
                    "/studies/{study}/series/{series}/instances/{instance}/thumbnail",
                    "/studies/{study}/series/{series}/thumbnail")) {
                java.util.Map<String, Object> get = doc.getMap("paths.'" + root + resource + "'.get");
                assertThat(get).as(root + resource).isNotNull();
                java.util.Map<String, Object> ok = doc
                        .getMap("paths.'" + root + resource + "'.get.responses.'200'.content");
                assertThat(ok).as(root + resource).containsKeys("image/jpeg", "image/png");
                List<String> names = doc.getList("paths.'" + root + resource + "'.get.parameters.name");
                assertThat(names).as(root + resource).contains("window", "viewport", "quality");
                assertThat(doc.getMap("paths.'" + root + resource + "'.get.responses")).containsKeys("400", "406");
            }
        }
        java.util.Map<String, Object> retrieve = doc.getMap("paths.'/dicomweb/studies/{study}'.get.responses");
        assertThat(retrieve).doesNotContainKey("406");
    }
}
