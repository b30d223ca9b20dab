#!/usr/bin/env python3
"""Stripe's browser side for localstripe: Stripe.js, its card field and its 3-D Secure
challenge, for Lapak's end-to-end journeys (standard library only).

What it stands in for: js.stripe.com (Stripe.js and the frames it puts in a page) and the
few calls of api.stripe.com that a browser makes with the publishable key. Everything else
is localstripe's (scripts/localstripe.sh): the PaymentIntents, the charges, the declines,
the 3-D Secure state and the signed webhooks; this forwards to it with the secret key.

Why it exists: localstripe's own Stripe.js (localstripe-v3.js) cannot pay an intent with a
card Element (its `confirmCardPayment` never attaches the card; it only authenticates an
intent already waiting for 3-D Secure), and localstripe refuses the publishable key on
`POST /v1/payment_intents/{id}/confirm`, which Stripe accepts together with the intent's
client secret. So a journey could not type a card into a field and pay an order with it.

As at Stripe, the card is typed into a frame of this origin (`/elements/card`) and sent
from there to this origin only: the page that mounts the field never holds the number.

  GET  /v3/                         stripe.js, Stripe.js's surface that Lapak uses
  GET  /elements/card               the card field's frame (number, expiry, CVC)
  GET  /3ds                         the 3-D Secure challenge's frame (Complete / Fail)
  GET  /frames.js                   the two frames' script
  POST /v1/payment_methods          key=pk_…, type=card, card[…]: a PaymentMethod
  POST /v1/payment_intents/ID/confirm        key=pk_…, client_secret, payment_method
  GET  /v1/payment_intents/ID?key=pk_…&client_secret=…
  POST /v1/payment_intents/ID/_authenticate  key=pk_…, client_secret, success (localstripe's)

An intent is confirmed or read with the publishable key only when the client secret given
is the intent's own (read from localstripe with the secret key), as Stripe does.

Usage: stripe.py --localstripe URL --secret-key sk_… --publishable-key pk_… [--port 0]
Prints "listening on 127.0.0.1:PORT" once it accepts connections.
"""

import argparse
import hmac
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
INTENT = re.compile(r"^/v1/payment_intents/(pi_\w+)(/confirm|/_authenticate)?$")
# What Stripe shows of a PaymentIntent to the publishable key.
PUBLIC = ("id", "object", "amount", "currency", "status", "client_secret", "next_action",
          "last_payment_error", "payment_method")

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="/frames.css"></head>
<body class="{kind}">{body}<script src="/frames.js"></script></body></html>
"""
CARD = """<input id="number" inputmode="numeric" autocomplete="cc-number" aria-label="Card number"
 placeholder="Card number"><input id="expiry" inputmode="numeric" autocomplete="cc-exp"
 aria-label="Expiration date (MM / YY)" placeholder="MM / YY"><input id="cvc" inputmode="numeric"
 autocomplete="cc-csc" aria-label="Security code (CVC)" placeholder="CVC">"""
CHALLENGE = """<main><p><strong>3D Secure test page</strong></p>
<p>Your bank asks you to confirm this payment.</p>
<button id="complete" data-success="true">Complete authentication</button>
<button id="fail" data-success="false">Fail authentication</button></main>"""
CSS = """body{margin:0;font:16px system-ui,sans-serif;color:#1a1a1a;background:#fff}
.card{display:flex;gap:6px;padding:2px}
.card input{font:inherit;border:1px solid #8a8a8a;border-radius:6px;padding:8px;min-width:0}
#number{flex:3}#expiry,#cvc{flex:1}
.challenge main{padding:20px;text-align:center}
.challenge button{display:block;width:100%;margin:10px 0;padding:12px;font:inherit;font-weight:600;
border-radius:6px;border:0;color:#fff;background:#0a5c36}
.challenge #fail{background:#8b1a1a}
"""


class Refused(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class Bridge:
    """The browser's side of Stripe, in front of one localstripe."""

    def __init__(self, localstripe, secret_key, publishable_key):
        self.localstripe = localstripe.rstrip("/")
        self.secret_key = secret_key
        self.publishable_key = publishable_key

    def call(self, method, path, form=None, body=None):
        """localstripe's answer to a call with the secret key: (status, JSON)."""
        data, headers = None, {"Authorization": f"Bearer {self.secret_key}"}
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.localstripe + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, json.load(answer)
        except urllib.error.HTTPError as refused:
            return refused.code, json.load(refused)

    def check_key(self, params):
        if params.get("key") != self.publishable_key:
            raise Refused(401, "api_key_invalid", "Invalid API Key provided.")

    def own_intent(self, intent_id, params):
        """The intent, when `params` carry the publishable key and its client secret."""
        self.check_key(params)
        status, intent = self.call("GET", f"/v1/payment_intents/{intent_id}")
        given = params.get("client_secret", "")
        if status != 200 or not hmac.compare_digest(given.encode(), intent["client_secret"].encode()):
            raise Refused(404, "resource_missing", f"No such payment_intent: '{intent_id}'")
        return intent

    def payment_method(self, params):
        self.check_key(params)
        if params.get("type") != "card":
            raise Refused(400, "parameter_invalid", "Only cards are taken here.")
        card = {k: params.get(f"card[{k}]", "") for k in ("number", "exp_month", "exp_year", "cvc")}
        return self.call("POST", "/v1/payment_methods",
                         form={"type": "card", **{f"card[{k}]": v for k, v in card.items()}})

    def confirm(self, intent_id, params):
        intent = self.own_intent(intent_id, params)
        method = params.get("payment_method", "")
        if not method.startswith("pm_"):
            raise Refused(400, "parameter_missing", "A payment_method is needed.")
        if intent["status"] != "requires_payment_method":
            raise Refused(400, "payment_intent_unexpected_state",
                          f"This PaymentIntent's status is {intent['status']}: it cannot be confirmed.")
        # why: Stripe makes a new charge for each confirmation; localstripe keeps the intent
        # reading its last declined charge (and refuses to confirm it again), so the new card
        # is attached with that charge set aside, as a fresh confirmation starts at Stripe.
        status, answer = self.call("POST", f"/v1/payment_intents/{intent_id}",
                                   body={"payment_method": method, "latest_charge": None})
        if status != 200:
            return status, answer
        status, answer = self.call("POST", f"/v1/payment_intents/{intent_id}/confirm", form={})
        return status, public(answer) if status == 200 else answer

    def authenticate(self, intent_id, params):
        self.check_key(params)
        status, answer = self.call("POST", f"/v1/payment_intents/{intent_id}/_authenticate",
                                   body={"key": params["key"], "client_secret": params.get("client_secret", ""),
                                         "success": params.get("success") == "true"})
        return status, public(answer) if status == 200 else answer


def public(intent):
    return {k: intent.get(k) for k in PUBLIC}


class Handler(BaseHTTPRequestHandler):
    bridge = None
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, content_type, headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        # why: Stripe's API answers every origin: the page calls it from its own.
        self.send_header("Access-Control-Allow-Origin", "*")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def answer(self, status, body):
        self.send(status, json.dumps(body).encode(), "application/json")

    def page(self, kind, title, body):
        html = PAGE.format(kind=kind, title=title, body=body).encode()
        self.send(200, html, "text/html; charset=utf-8",
                  [("Content-Security-Policy", "default-src 'self'; frame-ancestors *")])

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        files = {"/v3/": "stripe.js", "/frames.js": "stripe-frames.js"}
        if url.path in files:
            return self.send(200, (HERE / files[url.path]).read_bytes(), "text/javascript")
        if url.path == "/frames.css":
            return self.send(200, CSS.encode(), "text/css")
        if url.path == "/elements/card":
            return self.page("card", "Secure card payment input frame", CARD)
        if url.path == "/3ds":
            return self.page("challenge", "3D Secure challenge", CHALLENGE)
        match = INTENT.match(url.path)
        if match and not match.group(2):
            params = dict(urllib.parse.parse_qsl(url.query))
            return self.guarded(lambda: (200, public(self.bridge.own_intent(match.group(1), params))))
        self.answer(404, {"error": {"message": f"No route GET {url.path}"}})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        params = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        path = urllib.parse.urlsplit(self.path).path
        if path == "/v1/payment_methods":
            return self.guarded(lambda: self.bridge.payment_method(params))
        match = INTENT.match(path)
        if match and match.group(2) == "/confirm":
            return self.guarded(lambda: self.bridge.confirm(match.group(1), params))
        if match and match.group(2) == "/_authenticate":
            return self.guarded(lambda: self.bridge.authenticate(match.group(1), params))
        self.answer(404, {"error": {"message": f"No route POST {path}"}})

    def guarded(self, work):
        try:
            self.answer(*work())
        except Refused as e:
            self.answer(e.status, {"error": {"type": "invalid_request_error", "code": e.code, "message": e.message}})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--localstripe", required=True, help="localstripe's URL")
    parser.add_argument("--secret-key", required=True)
    parser.add_argument("--publishable-key", required=True)
    args = parser.parse_args()
    Handler.bridge = Bridge(args.localstripe, args.secret_key, args.publishable_key)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"listening on 127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
