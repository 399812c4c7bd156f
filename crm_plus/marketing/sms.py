"""SMS through an HTTP gateway shaped like the Chinese ones (Aliyun,
Tencent Cloud): a message is a template code approved by the carrier, the
JSON parameters filling it and the signature (签名) shown in brackets; the
request is signed with the access secret.

Configured in trytond.conf::

    [crm_sms]
    url = https://sms.example.com/send
    access_key = LTAI...
    access_secret = ...
    signature = 华东机械
    callback_secret = ...   # authenticates receipts and replies posted back
    timeout = 10

The request is a POST of the JSON object of the parameters below with
``Signature`` = base64(HMAC-SHA256(access_secret, canonical string)), the
canonical string being ``POST&<url-encoded path>&<url-encoded sorted
query of the other parameters>``.  The gateway answers
``{"Code": "OK", "BizId": "..."}`` or an error code.
"""
import base64
import hashlib
import hmac
import json
import secrets
import socket
import time
import urllib.error
import urllib.request
from urllib.parse import quote, urlsplit

import trytond.config as config

SECTION = 'crm_sms'
#: the replies withdrawing the SMS consent (compared upper-cased)
STOP_WORDS = {'STOP', 'TD', 'T', 'N', '退订', '取消', 'UNSUBSCRIBE'}


class SMSError(Exception):
    "A refused message; transient: the gateway could not be reached"

    def __init__(self, message, transient=False):
        super().__init__(message)
        self.transient = transient


def _encode(value):
    return quote(str(value), safe='-_.~')


def canonical(method, path, params):
    "The string signed: the method, the path and the sorted parameters"
    query = '&'.join(
        f'{_encode(k)}={_encode(v)}' for k, v in sorted(params.items())
        if k != 'Signature')
    return f'{method}&{_encode(path)}&{_encode(query)}'


def sign(secret, method, path, params):
    digest = hmac.new(
        secret.encode('utf-8'),
        canonical(method, path, params).encode('utf-8'),
        hashlib.sha256).digest()
    return base64.b64encode(digest).decode('ascii')


def callback_signature(secret, body):
    "The hex HMAC-SHA256 of a callback's raw body"
    return hmac.new(
        secret.encode('utf-8'), body, hashlib.sha256).hexdigest()


def verify_callback(body, signature):
    "Whether the signature of the posted body is the shared secret's"
    secret = config.get(SECTION, 'callback_secret')
    if not secret or not signature:
        return False
    return hmac.compare_digest(callback_signature(secret, body), signature)


class HTTPProvider:
    "The SMS gateway of trytond.conf's [crm_sms] section"

    def __init__(self, url, access_key, access_secret, signature,
            timeout=10):
        self.url = url
        self.access_key = access_key
        self.access_secret = access_secret
        self.signature = signature
        self.timeout = timeout

    @classmethod
    def from_config(cls):
        url = config.get(SECTION, 'url')
        if not url:
            return None
        return cls(url,
            config.get(SECTION, 'access_key', default=''),
            config.get(SECTION, 'access_secret', default=''),
            config.get(SECTION, 'signature', default=''),
            timeout=config.getfloat(SECTION, 'timeout', default=10))

    def request(self, phone, template_code, params, out_id):
        "The signed parameters of the message"
        values = {
            'AccessKeyId': self.access_key,
            'PhoneNumbers': phone,
            'SignName': self.signature,
            'TemplateCode': template_code,
            'TemplateParam': json.dumps(
                params, ensure_ascii=False, sort_keys=True),
            'OutId': str(out_id),
            'Timestamp': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
            'SignatureNonce': secrets.token_hex(16),
            'SignatureMethod': 'HMAC-SHA256',
            }
        values['Signature'] = sign(
            self.access_secret, 'POST', urlsplit(self.url).path or '/',
            values)
        return values

    def send(self, phone, template_code, params, out_id):
        "Send one message; return the gateway's id of it"
        data = json.dumps(
            self.request(phone, template_code, params, out_id),
            ensure_ascii=False).encode('utf-8')
        request = urllib.request.Request(
            self.url, data=data, method='POST',
            headers={'Content-Type': 'application/json; charset=utf-8'})
        try:
            with urllib.request.urlopen(
                    request, timeout=self.timeout) as response:
                answer = json.loads(response.read().decode('utf-8'))
        except urllib.error.HTTPError as e:
            raise SMSError(f'HTTP {e.code}', transient=e.code >= 500) from e
        except (urllib.error.URLError, socket.timeout, ConnectionError) as e:
            raise SMSError(str(e), transient=True) from e
        except ValueError as e:
            raise SMSError('invalid answer') from e
        if not isinstance(answer, dict) or answer.get('Code') != 'OK':
            code = answer.get('Code') if isinstance(answer, dict) else None
            raise SMSError(str(code or 'refused'),
                transient=code in {'Throttling', 'isv.BUSINESS_LIMIT_CONTROL'})
        return str(answer.get('BizId') or '')

    def close(self):
        pass
