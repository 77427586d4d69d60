"""A running `evidence app`, driven over HTTP as its pages drive it, for the app's benchmarks
(upload.sh, conversation.sh): started on a free port without a window, the URL's token exchanged
for the session cookie, the page's CSRF token read, the case unlocked when it is encrypted.
curl does the requests, so that the client's own speed is a known, small constant."""

import re
import subprocess


def reset_peak_rss(pid):
    """From here on the process's VmHWM counts anew (Linux >= 4.0): a key derivation before it is
    left out."""
    with open('/proc/%d/clear_refs' % pid, 'w') as f:
        f.write('5')


def peak_rss_kib(pid):
    with open('/proc/%d/status' % pid) as f:
        return int(re.search(r'VmHWM:\s+(\d+) kB', f.read()).group(1))


class App:
    def __init__(self, evidence, case_dir, passphrase=None):
        self.proc = subprocess.Popen([evidence, '-C', case_dir, 'app', '--no-open', '--port', '0'],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            line = self.proc.stdout.readline()
            m = re.fullmatch(r'evidence app: open (http://127\.0\.0\.1:\d+)/\?token=([0-9a-f]+)\n',
                             line)
            if not m:
                raise RuntimeError('the app did not print its address: %r' % line)
            self.base = m.group(1)
            self.jar = case_dir + '.cookies'
            self.curl('-o', '/dev/null', self.base + '/?token=' + m.group(2))
            page = self.curl(self.base + '/')
            self.csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
            if passphrase is not None:
                self.curl('-o', '/dev/null', '-H', 'Origin: ' + self.base,
                          '--data-urlencode', 'csrf=' + self.csrf,
                          '--data-urlencode', 'passphrase=' + passphrase, self.base + '/unlock')
        except BaseException:
            self.close()
            raise

    def curl(self, *args):
        """curl with the session's cookie; its standard output."""
        return subprocess.run(['curl', '-sS', '-b', self.jar, '-c', self.jar] +
                              list(args), check=True, stdout=subprocess.PIPE, text=True).stdout

    def timed_get(self, path):
        """GET PATH; returns (seconds, body) with curl's own measure of the whole exchange."""
        out = self.curl('-w', '\n%{http_code} %{time_total}', self.base + path)
        body, _, tail = out.rpartition('\n')
        code, took = tail.split()
        if code != '200':
            raise RuntimeError('GET %s answered %s: %s' % (path, code, body[:200]))
        return float(took), body

    def reset_peak_rss(self):
        """The unlock's key derivation is left out of the peak from here on."""
        reset_peak_rss(self.proc.pid)

    def peak_rss_kib(self):
        return peak_rss_kib(self.proc.pid)

    def close(self):
        self.proc.terminate()
        self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
