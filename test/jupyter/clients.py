"""The radnb kernel as Jupyter clients use it (Debian python3-jupyter-client): interrupts that keep
variables, restarts, forged and malformed messages, a client that reconnects, where the sockets listen.

Run by test/jupyter/jupyterClients.test.ts with the kernelspec installed in a temporary JUPYTER_PATH.
"""
import signal
import time
import unittest

import zmq
from jupyter_client import BlockingKernelClient
from jupyter_client.manager import start_new_kernel
from jupyter_client.session import Session

TIMEOUT = 60


def run(kc, code, timeout=TIMEOUT):
    """Executes code; returns (reply content, text of stdout + execute_result)."""
    out = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "execute_result":
            out.append(msg["content"]["data"]["text/plain"])

    reply = kc.execute_interactive(code, timeout=timeout, output_hook=hook)
    return reply["content"], "".join(out)


class RadnbClients(unittest.TestCase):
    def setUp(self):
        self.km, self.kc = start_new_kernel(kernel_name="radnb", startup_timeout=TIMEOUT)

    def tearDown(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

    def interrupt_keeps_variables(self, interrupt):
        self.assertEqual(run(self.kc, 'const kept = "before the loop";')[0]["status"], "ok")
        msg_id = self.kc.execute("while (true) {}")
        time.sleep(1)
        started = time.time()
        interrupt()
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "Interrupted")
        self.assertLess(time.time() - started, 5)
        self.assertEqual(run(self.kc, "kept")[1], "before the loop")

    def test_interrupt_request_keeps_variables(self):
        self.assertEqual(self.km.kernel_spec.interrupt_mode, "message")
        self.interrupt_keeps_variables(self.km.interrupt_kernel)

    def test_sigint_to_the_process_group_interrupts_and_keeps_variables(self):
        # What jupyter_client does for kernels with interrupt_mode "signal": SIGINT to the whole group.
        self.interrupt_keeps_variables(lambda: self.km.signal_kernel(signal.SIGINT))
        self.assertTrue(self.km.is_alive())

    def test_restart_starts_a_fresh_kernel(self):
        run(self.kc, "const beforeRestart = 1;")
        self.km.restart_kernel(now=False)
        self.kc.wait_for_ready(timeout=TIMEOUT)
        reply, text = run(self.kc, "typeof beforeRestart")
        self.assertEqual(text, "undefined")
        self.assertEqual(reply["execution_count"], 1)

    def test_forged_unsigned_and_malformed_messages_are_ignored(self):
        socket = self.kc.shell_channel.socket
        forged = Session(key=b"not-the-key", username="attacker")
        forged.send(socket, "execute_request", {"code": "globalThis.hacked = true", "silent": False})
        unsigned = Session(key=b"", username="attacker")
        unsigned.send(socket, "execute_request", {"code": "globalThis.hacked = true", "silent": False})
        socket.send_multipart([b"<IDS|MSG>", b"abc", b"{not json"])
        socket.send_multipart([b"no delimiter at all"])
        time.sleep(1)
        with self.assertRaises(Exception):
            self.kc.get_shell_msg(timeout=1)
        reply, text = run(self.kc, "typeof globalThis.hacked")
        self.assertEqual(reply["status"], "ok")
        self.assertEqual(text, "undefined")

    def test_a_client_that_reconnects_finds_its_variables(self):
        run(self.kc, "const study = { slices: 120 };")
        self.kc.stop_channels()
        again = BlockingKernelClient(connection_file=self.km.connection_file)
        again.load_connection_file()
        again.start_channels()
        again.wait_for_ready(timeout=TIMEOUT)
        self.assertEqual(run(again, "study.slices")[1], "120")
        again.stop_channels()

    def test_sockets_listen_only_where_the_connection_file_says(self):
        self.assertEqual(self.km.ip, "127.0.0.1")
        listening = set()
        with open("/proc/net/tcp") as table:
            for line in table.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                if state == "0A":  # LISTEN
                    address, port = local.split(":")
                    listening.add((address, int(port, 16)))
        for port in (self.km.shell_port, self.km.iopub_port, self.km.stdin_port, self.km.control_port, self.km.hb_port):
            self.assertIn(("0100007F", port), listening)
            self.assertNotIn(("00000000", port), listening)

    def test_heartbeat_answers_while_a_cell_spins(self):
        self.kc.execute("while (true) {}")
        time.sleep(0.5)
        self.assertTrue(self.kc.is_alive())
        hb = zmq.Context.instance().socket(zmq.REQ)
        hb.connect(f"tcp://127.0.0.1:{self.km.hb_port}")
        hb.send(b"ping")
        self.assertTrue(hb.poll(2000))
        self.assertEqual(hb.recv(), b"ping")
        hb.close()
        self.km.interrupt_kernel()
        self.assertEqual(self.kc.get_shell_msg(timeout=TIMEOUT)["content"]["ename"], "Interrupted")


if __name__ == "__main__":
    unittest.main()
