// Whether an origin is one the frame-ancestors setting allows: the CSP source expressions the
// server sends (its Settings.frame_ancestors) matched the way browsers match them (CSP Level 3,
// "does url match expression"), for origins only, as the frame's messages come from origins.

const DEFAULT_PORTS = { "http:": "80", "https:": "443" };
const SCHEME_SOURCE = /^([a-z][a-z0-9+.-]*):$/i;
const HOST_SOURCE = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*|(?:\*\.)?[^:/]+)(?::(\d+|\*))?(?:\/.*)?$/i;

/** An http: source also allows https: (CSP's upgrade rule). */
const schemeMatches = (wanted, actual) => wanted === actual || (wanted === "http:" && actual === "https:");

function hostMatches(pattern, host) {
  if (pattern === "*") return true;
  if (pattern.startsWith("*.")) return host.endsWith(pattern.slice(1));
  return host === pattern;
}

function portMatches(port, scheme, url) {
  const actual = url.port || DEFAULT_PORTS[url.protocol];
  if (port === "*") return true;
  if (port) return port === actual;
  return actual === DEFAULT_PORTS[scheme] || (scheme === "http:" && url.protocol === "https:" && actual === "443");
}

function matches(source, url, selfOrigin) {
  const keyword = source.toLowerCase();
  if (keyword === "'self'") return url.origin === selfOrigin;
  if (keyword === "'none'") return false;
  if (keyword === "*") return url.protocol === "http:" || url.protocol === "https:";
  const scheme = SCHEME_SOURCE.exec(source);
  if (scheme) return schemeMatches(`${scheme[1].toLowerCase()}:`, url.protocol);
  const host = HOST_SOURCE.exec(source);
  if (!host) return false;
  const [, sourceScheme, sourceHost, sourcePort] = host;
  // A source without a scheme takes the scheme of the page it protects.
  const wanted = sourceScheme ? `${sourceScheme.toLowerCase()}:` : new URL(selfOrigin).protocol;
  return schemeMatches(wanted, url.protocol)
    && hostMatches(sourceHost.toLowerCase(), url.hostname)
    && portMatches(sourcePort, wanted, url);
}

/**
 * True when `origin` ("https://site.example:8443") matches one of `sources`; `selfOrigin` is
 * the frame's own origin, for 'self'. An opaque origin ("null") never matches.
 */
export function originAllowed(origin, sources, selfOrigin) {
  let url;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.origin !== origin) return false;
  return sources.some((source) => matches(source, url, selfOrigin));
}
