#!/usr/bin/env python3
"""A contract fake of Xendit's Payments API, for Lapak's tests (standard library only).

Xendit has no local fake; this one is written from its published API reference
(https://docs.xendit.co/apidocs/create-payment-request, get-payment-request,
refund-payment-request, payment-webhook-notification) and serves exactly what
Lapak's Xendit provider calls (server/src/payment/xendit.rs):

  POST /v3/payment_requests                    create (idempotency-key header)
  GET  /v3/payment_requests/{id}               one payment request
  GET  /v3/payment_requests?reference_id=KEY   the payment requests under a reference_id
  POST /v3/payment_requests/{id}/cancel        cancel one not yet paid
  POST /refunds                                refund a paid one (idempotency-key header)

Xendit's rules it keeps: Basic auth with the secret key as user name; IDR in
whole rupiah; one idempotency key, one request (the same key with another body
is refused with 409 DUPLICATE_ERROR); requests expire at `expires_at` (QRIS,
virtual accounts) or 15 minutes (e-wallets), with a `payment_request.expiry`
callback; a cancelled, expired or paid request takes no payment.

Test-only routes (no auth), each posting Xendit's callback, with the
`x-callback-token` header, to the callback URL given at start or in the body:
  POST /_fake/pay     {"payment_request_id" | "reference_id", "callback_url"?}  -> payment.capture
  POST /_fake/fail    {..., "failure_code"?}                                    -> payment.failure
  POST /_fake/expire  {...}                                                     -> payment_request.expiry
  GET  /_fake/received  what it was sent and the callbacks it posted

Usage: xendit.py [--port 0] [--callback-url URL] [--callback-token TOKEN] [--secret-key KEY]
Prints "listening on 127.0.0.1:PORT" once it accepts connections.
"""

import argparse
import base64
import datetime
import hashlib
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BUSINESS_ID = "5f27a14a9bf05c73dd040bc8"
WALLETS = {"GOPAY": "gojek://gopay/payment", "DANA": "dana://pay", "SHOPEEPAY": "shopeeid://pay", "OVO": None}
BANKS = {"BCA_VIRTUAL_ACCOUNT": "39108", "BNI_VIRTUAL_ACCOUNT": "8808", "BRI_VIRTUAL_ACCOUNT": "26215",
         "MANDIRI_VIRTUAL_ACCOUNT": "88908"}
CHANNELS = {"QRIS"} | set(WALLETS) | set(BANKS)
PENDING = {"REQUIRES_ACTION", "ACCEPTING_PAYMENTS"}
EWALLET_TTL_S = 15 * 60
REFUND_REASONS = {"FRAUDULENT", "DUPLICATE", "REQUESTED_BY_CUSTOMER", "CANCELLATION", "OTHERS"}


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(text):
    try:
        when = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return None
    return when.timestamp() if when.tzinfo else None


def fingerprint(body):
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


class Refused(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class Xendit:
    """Xendit's side: payment requests, refunds, the callbacks it posts."""

    def __init__(self, base, callback_url, callback_token):
        self.base, self.callback_url, self.token = base, callback_url, callback_token
        self.lock = threading.RLock()
        self.requests = {}        # payment_request_id -> record
        self.request_keys = {}    # idempotency key -> (fingerprint, payment_request_id)
        self.refund_keys = {}     # idempotency key -> (fingerprint, refund)
        self.received = []
        self.callbacks = []

    # Payment requests -------------------------------------------------------------------

    def create(self, key, body):
        self.check_request(body)
        with self.lock:
            if key and key in self.request_keys:
                seen, pr_id = self.request_keys[key]
                if seen != fingerprint(body):
                    raise Refused(409, "DUPLICATE_ERROR",
                                  "The idempotency key was used before with a different request")
                return self.requests[pr_id]["object"]
            pr_id = f"pr-{uuid.uuid4()}"
            channel = body["channel_code"]
            properties = dict(body.get("channel_properties") or {})
            expires = parse_iso(properties.get("expires_at", "")) or time.time() + (
                EWALLET_TTL_S if channel in WALLETS else 24 * 3600)
            stamp = now_iso()
            obj = {
                "business_id": BUSINESS_ID,
                "reference_id": body["reference_id"],
                "payment_request_id": pr_id,
                "customer_id": None,
                "type": body["type"],
                "country": body["country"],
                "currency": body["currency"],
                "request_amount": body["request_amount"],
                "capture_method": body.get("capture_method", "AUTOMATIC"),
                "channel_code": channel,
                "channel_properties": properties,
                "actions": self.actions(pr_id, channel),
                "status": "REQUIRES_ACTION",
                "failure_code": None,
                "description": body.get("description"),
                "metadata": body.get("metadata"),
                "created": stamp,
                "updated": stamp,
            }
            self.requests[pr_id] = {"object": obj, "expires": expires, "payment_id": None, "refunded": 0}
            if key:
                self.request_keys[key] = (fingerprint(body), pr_id)
            return obj

    def check_request(self, body):
        def invalid(message):
            raise Refused(400, "API_VALIDATION_ERROR", message)

        if not isinstance(body, dict):
            invalid("The body must be a JSON object")
        reference = body.get("reference_id")
        if not isinstance(reference, str) or not 1 <= len(reference) <= 255:
            invalid("reference_id must be 1 to 255 characters")
        if body.get("type") != "PAY":
            invalid("type must be PAY")
        if body.get("country") != "ID" or body.get("currency") != "IDR":
            invalid("These channels take country ID and currency IDR")
        amount = body.get("request_amount")
        if isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount < 1:
            invalid("request_amount must be a positive number")
        if amount != int(amount):
            invalid("IDR amounts are whole rupiah")
        channel = body.get("channel_code")
        if channel not in CHANNELS:
            raise Refused(400, "CHANNEL_NOT_ACTIVATED", f"Channel {channel} is not activated")
        properties = body.get("channel_properties") or {}
        if "expires_at" in properties and parse_iso(properties["expires_at"]) is None:
            invalid("channel_properties.expires_at must be an ISO 8601 date-time with its zone")
        if channel == "OVO":
            if not re.fullmatch(r"\+62\d{8,13}", properties.get("account_mobile_number") or ""):
                invalid("channel_properties.account_mobile_number must be an Indonesian number, +62...")
        elif channel in WALLETS and not properties.get("success_return_url"):
            invalid("channel_properties.success_return_url is required")
        if channel in BANKS and not properties.get("display_name"):
            invalid("channel_properties.display_name is required")

    def actions(self, pr_id, channel):
        digits = str(uuid.UUID(pr_id[3:]).int)[:10]
        if channel == "QRIS":
            qr = f"00020101021226660014ID.CO.QRIS.WWW01189360091100000000000215{digits}5204599953033605802ID5907LAPAK6007JAKARTA6304ABCD"
            return [{"type": "PRESENT_TO_CUSTOMER", "descriptor": "QR_STRING", "value": qr}]
        if channel in BANKS:
            return [{"type": "PRESENT_TO_CUSTOMER", "descriptor": "VIRTUAL_ACCOUNT_NUMBER",
                     "value": BANKS[channel] + digits}]
        if WALLETS[channel] is None:
            return []  # OVO: a push to the wallet's phone, approved in the app.
        return [{"type": "REDIRECT_CUSTOMER", "descriptor": "WEB_URL", "value": f"{self.base}/_fake/checkout/{pr_id}"},
                {"type": "REDIRECT_CUSTOMER", "descriptor": "DEEPLINK_URL", "value": f"{WALLETS[channel]}?pr={pr_id}"}]

    def record(self, pr_id):
        record = self.requests.get(pr_id)
        if record is None:
            raise Refused(404, "DATA_NOT_FOUND", f"Payment request {pr_id} not found")
        return record

    def find(self, body):
        with self.lock:
            if body.get("payment_request_id"):
                return self.record(body["payment_request_id"])
            for record in self.requests.values():
                if record["object"]["reference_id"] == body.get("reference_id"):
                    return record
            raise Refused(404, "DATA_NOT_FOUND", "No payment request under that reference_id")

    def by_reference(self, reference_id):
        with self.lock:
            return [r["object"] for r in self.requests.values() if r["object"]["reference_id"] == reference_id]

    def set_status(self, record, status, failure_code=None):
        record["object"]["status"] = status
        record["object"]["failure_code"] = failure_code
        record["object"]["updated"] = now_iso()

    def cancel(self, pr_id):
        with self.lock:
            record = self.record(pr_id)
            status = record["object"]["status"]
            if status not in PENDING:
                raise Refused(409, "INVALID_STATUS", f"A payment request that is {status} cannot be cancelled")
            self.set_status(record, "CANCELED")
            return record["object"]

    def expire_due(self):
        """Expires the requests whose time is up, each with its callback."""
        with self.lock:
            due = [r for r in self.requests.values()
                   if r["object"]["status"] in PENDING and r["expires"] <= time.time()]
        for record in due:
            try:
                self.settle(record, "EXPIRED", None, None)
            except Refused:
                pass  # paid or cancelled meanwhile

    # Payments (test-only) ----------------------------------------------------------------

    def settle(self, record, status, failure_code, callback_url):
        """Moves a pending request to `status` and posts its callback."""
        with self.lock:
            obj = record["object"]
            if obj["status"] not in PENDING:
                raise Refused(409, "NOT_PAYABLE", f"The payment request is {obj['status']}")
            self.set_status(record, status, failure_code)
            if status == "EXPIRED":
                event, data = "payment_request.expiry", dict(obj)
            else:
                record["payment_id"] = f"py-{uuid.uuid4()}"
                event = "payment.capture" if status == "SUCCEEDED" else "payment.failure"
                data = {
                    "payment_id": record["payment_id"],
                    "business_id": BUSINESS_ID,
                    "status": "SUCCEEDED" if status == "SUCCEEDED" else "FAILED",
                    "payment_request_id": obj["payment_request_id"],
                    "request_amount": obj["request_amount"],
                    "customer_id": obj["customer_id"],
                    "channel_code": obj["channel_code"],
                    "country": obj["country"],
                    "currency": obj["currency"],
                    "reference_id": obj["reference_id"],
                    "description": obj["description"],
                    "channel_properties": obj["channel_properties"],
                    "type": obj["type"],
                    "created": obj["created"],
                    "updated": obj["updated"],
                }
                if failure_code:
                    data["failure_code"] = failure_code
            callback = {"event": event, "business_id": BUSINESS_ID, "created": now_iso(), "data": data}
            url = callback_url or self.callback_url
        return obj, self.post_callback(url, callback)

    def post_callback(self, url, callback):
        sent = {"url": url, "body": callback}
        if not url:
            sent["error"] = "no callback URL"
        else:
            request = urllib.request.Request(
                url, data=json.dumps(callback).encode(), method="POST",
                headers={"content-type": "application/json", "x-callback-token": self.token})
            try:
                with urllib.request.urlopen(request, timeout=5) as answer:
                    sent["status"] = answer.status
            except urllib.error.HTTPError as e:
                sent["status"] = e.code
            except OSError as e:
                sent["error"] = str(e)
        with self.lock:
            self.callbacks.append(sent)
        return sent

    # Refunds -----------------------------------------------------------------------------

    def refund(self, key, body):
        if not isinstance(body, dict) or not body.get("payment_request_id"):
            raise Refused(400, "API_VALIDATION_ERROR", "payment_request_id is required")
        if body.get("reason") not in REFUND_REASONS:
            raise Refused(400, "API_VALIDATION_ERROR", "reason must be one of " + ", ".join(sorted(REFUND_REASONS)))
        with self.lock:
            if key and key in self.refund_keys:
                seen, refund = self.refund_keys[key]
                if seen != fingerprint(body):
                    raise Refused(409, "DUPLICATE_ERROR",
                                  "The idempotency key was used before with a different request")
                return refund
            record = self.record(body["payment_request_id"])
            obj = record["object"]
            if obj["status"] != "SUCCEEDED":
                raise Refused(409, "INELIGIBLE_TRANSACTION", f"A payment request that is {obj['status']} cannot be refunded")
            if body.get("currency", obj["currency"]) != obj["currency"]:
                raise Refused(400, "API_VALIDATION_ERROR", "currency differs from the payment's")
            left = obj["request_amount"] - record["refunded"]
            amount = body.get("amount", left)
            if not isinstance(amount, (int, float)) or amount <= 0 or amount != int(amount):
                raise Refused(400, "API_VALIDATION_ERROR", "amount must be whole rupiah above 0")
            if amount > left:
                raise Refused(400, "REFUND_AMOUNT_EXCEEDED", f"At most {left} is left to refund")
            record["refunded"] += amount
            stamp = now_iso()
            refund = {
                "id": f"rfd-{uuid.uuid4()}",
                "payment_request_id": obj["payment_request_id"],
                "payment_id": record["payment_id"],
                "invoice_id": None,
                "payment_method_type": None,
                "reference_id": body.get("reference_id"),
                "channel_code": obj["channel_code"],
                "currency": obj["currency"],
                "amount": amount,
                "status": "PENDING",
                "reason": body["reason"],
                "failure_code": None,
                "refund_fee_amount": None,
                "metadata": body.get("metadata"),
                "created": stamp,
                "updated": stamp,
            }
            if key:
                self.refund_keys[key] = (fingerprint(body), refund)
            return refund


class Handler(BaseHTTPRequestHandler):
    server_version = "xendit-fake"
    xendit = None    # set by main
    secret_key = None

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw) if raw else {}
        except ValueError:
            raise Refused(400, "API_VALIDATION_ERROR", "The body is not JSON")

    def authorized(self):
        scheme, _, encoded = (self.headers.get("authorization") or "").partition(" ")
        try:
            user = base64.b64decode(encoded).decode().partition(":")[0]
        except ValueError:
            return False
        return scheme.lower() == "basic" and user != "" and (self.secret_key is None or user == self.secret_key)

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def route(self, method):
        url = urllib.parse.urlsplit(self.path)
        xendit = self.xendit
        try:
            body = self.body() if method == "POST" else None
            if url.path.startswith("/_fake/"):
                return self.fake(method, url.path, body)
            with xendit.lock:
                xendit.received.append({
                    "method": method, "path": url.path, "query": url.query, "body": body,
                    "idempotency_key": self.headers.get("idempotency-key"),
                    "api_version": self.headers.get("api-version"),
                })
            if not self.authorized():
                raise Refused(401, "INVALID_API_KEY", "The API key is invalid")
            xendit.expire_due()
            key = self.headers.get("idempotency-key")
            parts = url.path.strip("/").split("/")
            if method == "POST" and url.path == "/v3/payment_requests":
                return self.answer(201, xendit.create(key, body))
            if method == "GET" and url.path == "/v3/payment_requests":
                reference = urllib.parse.parse_qs(url.query).get("reference_id", [None])[0]
                return self.answer(200, {"data": xendit.by_reference(reference), "has_more": False, "links": []})
            if method == "GET" and len(parts) == 3 and parts[:2] == ["v3", "payment_requests"]:
                with xendit.lock:
                    return self.answer(200, xendit.record(parts[2])["object"])
            if method == "POST" and len(parts) == 4 and parts[:2] == ["v3", "payment_requests"] and parts[3] == "cancel":
                return self.answer(200, xendit.cancel(parts[2]))
            if method == "POST" and url.path == "/refunds":
                return self.answer(200, xendit.refund(key, body))
            raise Refused(404, "NOT_FOUND", f"No route {method} {url.path}")
        except Refused as e:
            self.answer(e.status, {"error_code": e.code, "message": e.message})

    def fake(self, method, path, body):
        xendit = self.xendit
        if method == "GET" and path == "/_fake/received":
            with xendit.lock:
                return self.answer(200, {"requests": xendit.received, "callbacks": xendit.callbacks})
        outcomes = {"/_fake/pay": "SUCCEEDED", "/_fake/fail": "FAILED", "/_fake/expire": "EXPIRED"}
        if method == "POST" and path in outcomes:
            record = xendit.find(body)
            failure = body.get("failure_code", "PAYMENT_DECLINED") if path == "/_fake/fail" else None
            obj, callback = xendit.settle(record, outcomes[path], failure, body.get("callback_url"))
            return self.answer(200, {"payment_request": obj, "callback": callback})
        raise Refused(404, "NOT_FOUND", f"No route {method} {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--callback-url")
    parser.add_argument("--callback-token", default="fake-callback-token")
    parser.add_argument("--secret-key", help="the only API key accepted (any non-empty key when absent)")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    port = server.server_address[1]
    Handler.xendit = Xendit(f"http://127.0.0.1:{port}", args.callback_url, args.callback_token)
    Handler.secret_key = args.secret_key

    def sweep():
        while True:
            time.sleep(0.25)
            Handler.xendit.expire_due()

    threading.Thread(target=sweep, daemon=True).start()
    print(f"listening on 127.0.0.1:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
