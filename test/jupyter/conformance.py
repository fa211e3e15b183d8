"""Jupyter's kernel conformance suite (Debian python3-jupyter-kernel-test) against the radnb kernel.

Run by test/jupyter/jupyterClients.test.ts with the kernelspec installed in a temporary JUPYTER_PATH.
"""
import unittest

import jupyter_kernel_test


class RadnbKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "radnb"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("a warning")'
    code_generate_error = 'throw new RangeError("window width must be positive")'

    completion_samples = [
        {"text": "Mat", "matches": {"Math"}},
        {"text": "JSON.stri", "matches": {"stringify"}},
    ]
    complete_code_samples = ["const x: number = 1", "function f(): void {}", "await Promise.resolve(1)"]
    incomplete_code_samples = ["function f() {", "const values = [1,", "if (ready)"]
    invalid_code_samples = [")", "let = = 2", 'const s = "no end']

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "const hu: number = -1000;\nhu + 1024", "result": "24"},
    ]
    code_display_data = [
        {"code": 'display.html("<b>lung window</b>")', "mime": "text/html"},
        {"code": "display.png(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))", "mime": "image/png"},
    ]
    code_history_pattern = "6*7"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "Math"
    code_clear_output = 'console.log("epoch 1");\ndisplay.clear(true);\nconsole.log("epoch 2")'


if __name__ == "__main__":
    unittest.main()
