// Swagger UI on this service's own description (a file, not an inline script: /docs's CSP allows only 'self')
window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
    // no call to validator.swagger.io: the page talks to this service only
    validatorUrl: null
  });
};
