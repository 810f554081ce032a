// The API reference: Swagger UI over this server's OpenAPI document. "Try it out" sends the
// session cookie (same origin) and echoes the CSRF cookie in the x-csrftoken header, as the app does.
function csrfToken() {
  const found = document.cookie.match(/(?:^|; )csrftoken=([^;]*)/);
  return found ? decodeURIComponent(found[1]) : "";
}

window.ui = SwaggerUIBundle({
  url: "/schema/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  requestInterceptor: (request) => {
    const token = csrfToken();
    if (token) request.headers["x-csrftoken"] = token;
    return request;
  },
});
