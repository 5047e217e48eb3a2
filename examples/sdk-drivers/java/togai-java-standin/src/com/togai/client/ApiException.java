package com.togai.client;

/** An answer the SDK does not return as a value (any status but 202 and 207), or no answer at all (code 0). */
public class ApiException extends Exception {
    private final int code;
    private final String responseBody;

    public ApiException(int code, String message, String responseBody) {
        super(message);
        this.code = code;
        this.responseBody = responseBody;
    }

    public ApiException(Throwable cause) {
        super(cause.toString(), cause);
        this.code = 0;
        this.responseBody = null;
    }

    public int getCode() { return code; }

    public String getResponseBody() { return responseBody; }
}
