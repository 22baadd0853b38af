/**
 * The Python runtime of Nimbus's Lambda, as source text: the provider writes it into its work
 * directory and runs it with the machine's python3 (runtimes.ts). Standard library only. It
 * speaks the Lambda Runtime API as AWS's Python runtime does
 * (https://docs.aws.amazon.com/lambda/latest/dg/python-handler.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html):
 *
 * - `_HANDLER` is `path/module.function`, imported with the task root first on sys.path; a
 *   failure is reported to `/init/error` as AWS's runtime reports it
 *   (Runtime.MalformedHandlerName, Runtime.ImportModuleError, Runtime.UserCodeSyntaxError,
 *   Runtime.HandlerNotFound, or the exception the module raised, as
 *   test_lambda_runtime_error recorded it);
 * - a failure of the handler goes to `/error` as `{errorMessage, errorType, requestId,
 *   stackTrace}`, the stack without the runtime's own frame (test_lambda_handler_error);
 * - a result that JSON cannot encode is Runtime.MarshalError;
 * - the `logging` module writes `[LEVEL]\t<time>Z\t<request id>\t<message>` as AWS's does, one
 *   record per log event on NIMBUS_LOG_FD; `print` goes to stdout, unbuffered.
 */
export const pythonBootstrap = String.raw`
import importlib
import json
import logging
import os
import socket
import sys
import time
import traceback

_api_host, _api_port = os.environ.get("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001").split(":")
# The same API on a Unix socket of the environment's (runtime-local.ts): a cheaper round trip.
_socket_path = os.environ.get("NIMBUS_RUNTIME_API_SOCKET")
_connection = None


class _Headers(dict):
    """Response headers by lower-case name; get() takes any case, as http.client's do."""

    def get(self, name, default=None):
        return dict.get(self, name.lower(), default)


class _Response:
    def __init__(self, status, headers):
        self.status = status
        self.headers = headers


# HTTP/1.1 to the Runtime API on one kept connection, written here rather than with http.client:
# importing http.client (and the email package under it) took about 40 ms of every Python cold
# start on the bench machine. The API answers with a Content-Length (chunked is read too).
_pending = b""


def _connect():
    if _socket_path:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(_socket_path)
    else:
        sock = socket.create_connection((_api_host, int(_api_port)))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _receive(data):
    chunk = _connection.recv(65536)
    if not chunk:
        raise ConnectionError("the Runtime API closed the connection")
    return data + chunk


def _read_response():
    global _pending
    data = _pending
    end = data.find(b"\r\n\r\n")
    while end < 0:
        data = _receive(data)
        end = data.find(b"\r\n\r\n")
    lines = data[:end].decode("latin-1").split("\r\n")
    headers = _Headers()
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    rest = data[end + 4 :]
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            while b"\r\n" not in rest:
                rest = _receive(rest)
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            while len(rest) < size + 2:
                rest = _receive(rest)
            body += rest[:size]
            rest = rest[size + 2 :]
            if size == 0:
                break
    else:
        length = int(headers.get("content-length") or 0)
        while len(rest) < length:
            rest = _receive(rest)
        body = rest[:length]
        rest = rest[length:]
    _pending = rest
    return _Response(int(lines[0].split(" ", 2)[1]), headers), body


_log_fd = int(os.environ["NIMBUS_LOG_FD"]) if os.environ.get("NIMBUS_LOG_FD") else None
_request_id = None


def _call(method, path, body=None, headers=None):
    global _connection, _pending
    payload = body.encode("utf-8") if isinstance(body, str) else (body or b"")
    head = method + " /2018-06-01/runtime" + path + " HTTP/1.1\r\nHost: localhost\r\n"
    for name, value in (headers or {}).items():
        head += name + ": " + value + "\r\n"
    message = (head + "Content-Length: " + str(len(payload)) + "\r\n\r\n").encode("latin-1") + payload
    for attempt in range(2):
        try:
            if _connection is None:
                _connection = _connect()
                _pending = b""
            _connection.sendall(message)
            return _read_response()
        except OSError:
            if _connection is not None:
                _connection.close()
            _connection = None
            if attempt:
                raise


def _write_log(text):
    if _log_fd is not None:
        os.write(_log_fd, (json.dumps(text) + "\n").encode("utf-8"))
    else:
        sys.stdout.write(text.replace("\n", "\r") + "\n")


class _LambdaLogHandler(logging.Handler):
    def __init__(self):
        super().__init__()
        formatter = logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S"
        )
        formatter.converter = time.gmtime
        self.setFormatter(formatter)

    def emit(self, record):
        try:
            record.aws_request_id = _request_id or ""
            _write_log(self.format(record))
        except Exception:
            self.handleError(record)


class _Context:
    def __init__(self, headers):
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.aws_request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn")
        self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms") or 0)
        client_context = headers.get("Lambda-Runtime-Client-Context")
        identity = headers.get("Lambda-Runtime-Cognito-Identity")
        self.client_context = json.loads(client_context) if client_context else None
        self.identity = json.loads(identity) if identity else None

    def get_remaining_time_in_millis(self):
        return max(self._deadline_ms - int(time.time() * 1000), 0)


def _error_body(error, frames, request_id):
    return {
        "errorMessage": str(error),
        "errorType": type(error).__name__,
        "requestId": request_id,
        "stackTrace": traceback.format_list(frames),
    }


def _report_init_error(body):
    _write_log("[ERROR] " + body["errorType"] + ": " + body["errorMessage"] + "\nTraceback (most recent call last):\n" + "".join(body["stackTrace"]))
    _call(
        "POST",
        "/init/error",
        json.dumps(body),
        {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": body["errorType"]},
    )
    sys.exit(1)


def _init_error(error_type, message):
    return {"errorMessage": message, "errorType": error_type, "requestId": "", "stackTrace": []}


def _load_handler(spec):
    try:
        module_path, function_name = spec.rsplit(".", 1)
    except ValueError as error:
        _report_init_error(_init_error("Runtime.MalformedHandlerName", "Bad handler '" + spec + "': " + str(error)))
    module_name = module_path.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        _report_init_error(_init_error("Runtime.ImportModuleError", "Unable to import module '" + module_name + "': " + str(error)))
    except SyntaxError as error:
        _report_init_error(_init_error("Runtime.UserCodeSyntaxError", "Syntax error in module '" + module_name + "': " + str(error)))
    except Exception as error:
        _report_init_error(_error_body(error, traceback.extract_tb(error.__traceback__)[1:], ""))
    handler = getattr(module, function_name, None)
    if not callable(handler):
        _report_init_error(_init_error("Runtime.HandlerNotFound", "Handler '" + function_name + "' missing on module '" + module_name + "'"))
    return handler


def main():
    global _request_id
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    if task_root not in sys.path:
        sys.path.insert(0, task_root)
    root_logger = logging.getLogger()
    for existing in list(root_logger.handlers):
        root_logger.removeHandler(existing)
    root_logger.addHandler(_LambdaLogHandler())
    handler = _load_handler(os.environ.get("_HANDLER", ""))
    while True:
        response, body = _call("GET", "/invocation/next")
        headers = response.headers
        request_id = headers.get("Lambda-Runtime-Aws-Request-Id", "")
        _request_id = request_id
        trace_id = headers.get("Lambda-Runtime-Trace-Id")
        if trace_id:
            os.environ["_X_AMZN_TRACE_ID"] = trace_id
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        try:
            event = json.loads(body) if body else {}
        except ValueError:
            event = body.decode("utf-8", "replace")
        try:
            result = handler(event, _Context(headers))
        except Exception as error:
            error_body = _error_body(error, traceback.extract_tb(error.__traceback__)[1:], request_id)
            _write_log("[ERROR] " + error_body["errorType"] + ": " + error_body["errorMessage"] + "\nTraceback (most recent call last):\n" + "".join(error_body["stackTrace"]))
            _call(
                "POST",
                "/invocation/" + request_id + "/error",
                json.dumps(error_body),
                {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": error_body["errorType"]},
            )
            _request_id = None
            continue
        try:
            payload = json.dumps(result)
        except (TypeError, ValueError) as error:
            error_body = {
                "errorMessage": "Unable to marshal response: " + str(error),
                "errorType": "Runtime.MarshalError",
                "requestId": request_id,
                "stackTrace": [],
            }
            _call(
                "POST",
                "/invocation/" + request_id + "/error",
                json.dumps(error_body),
                {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": "Runtime.MarshalError"},
            )
            _request_id = None
            continue
        _call("POST", "/invocation/" + request_id + "/response", payload, {"Content-Type": "application/json"})
        _request_id = None


if __name__ == "__main__":
    main()
`;
