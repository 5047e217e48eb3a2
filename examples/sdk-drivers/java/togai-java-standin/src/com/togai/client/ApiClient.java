package com.togai.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * STAND-IN for the generated Togai Java client's ApiClient (same shape: a base path and a bearer token), written
 * for the harness's tests of its Java driver. Not Togai's SDK.
 */
public class ApiClient {
    public static final String VERSION = "0.1.0-standin";
    private String basePath = "https://api.togai.com";
    private String bearerToken = "";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    public String getBasePath() { return basePath; }

    public ApiClient setBasePath(String basePath) {
        this.basePath = basePath.replaceAll("/+$", "");
        return this;
    }

    public ApiClient setBearerToken(String token) {
        this.bearerToken = token;
        return this;
    }

    /** POSTs a JSON body; the answer's status and body, or an ApiException when none came. */
    public HttpResponse<String> post(String path, String json) throws ApiException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(basePath + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + bearerToken)
                .header("User-Agent", "togai-java-standin/" + VERSION)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException error) {
            throw new ApiException(error);
        } catch (InterruptedException error) {
            Thread.currentThread().interrupt();
            throw new ApiException(error);
        }
    }
}
