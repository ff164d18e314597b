/**
 * The HTTP server of the site ({@link dev.focus.web.server.SiteServer}, Javalin 6 on Jetty 11):
 * loopback by default, Host header checked on loopback, names validated before any file access,
 * bounded bodies, nosniff and a self-only CSP on every response.
 */
package dev.focus.web.server;
