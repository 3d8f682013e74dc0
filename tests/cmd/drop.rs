//! Started from the desktop (`--pause`, as the `.desktop` entry starts it): the report, the
//! annotated copy opened by the opener (replaced here by a script that records its argument),
//! and a wait for Enter before the process ends.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// jixiao with `args` in `dir`, stdin a pipe kept open, the opener recording into `opened.txt`.
fn start(dir: &Path, args: &[&str]) -> Child {
    let opener = dir.join("opener.sh");
    fs::write(&opener, "#!/bin/sh\nprintf '%s\\n' \"$1\" >> opened.txt\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&opener, fs::Permissions::from_mode(0o755)).unwrap();
    }
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .current_dir(dir)
        .env("JIXIAO_OPENER", &opener)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run jixiao")
}

/// Waits until the prompt is on stderr's way out: the run is done but the process must still be
/// there, waiting; then Enter ends it. Its status, stdout and stderr.
fn press_enter_when_waiting(mut child: Child) -> (i32, String, String) {
    let waiting_since = Instant::now();
    // The checking takes well under this; a process that did not wait would be gone by then.
    while waiting_since.elapsed() < Duration::from_millis(1500) {
        assert!(
            child.try_wait().unwrap().is_none(),
            "jixiao ended before Enter was pressed"
        );
        sleep(Duration::from_millis(100));
    }
    child.stdin.take().unwrap().write_all(b"\n").unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn seed_in(dir: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    fs::copy(
        repo.join("examples/seed-leiyang-2024.xlsx"),
        dir.join("自评表.xlsx"),
    )
    .unwrap();
}

#[cfg(unix)]
#[test]
fn a_dropped_file_is_checked_its_copy_opened_and_the_window_waits() {
    let tmp = tempfile::tempdir().unwrap();
    seed_in(tmp.path());
    let child = start(tmp.path(), &["--pause", "自评表.xlsx"]);
    let (status, stdout, stderr) = press_enter_when_waiting(child);
    assert_eq!(status, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("批注副本： 自评表.checked.xlsx"),
        "{stdout}"
    );
    assert!(stderr.ends_with("按回车键关闭窗口\n"), "{stderr}");
    assert!(tmp.path().join("自评表.checked.xlsx").exists());
    let opened = fs::read_to_string(tmp.path().join("opened.txt")).unwrap();
    assert_eq!(opened, "自评表.checked.xlsx\n");
}

#[cfg(unix)]
#[test]
fn no_open_checks_and_waits_without_opening() {
    let tmp = tempfile::tempdir().unwrap();
    seed_in(tmp.path());
    let child = start(tmp.path(), &["--pause", "--no-open", "自评表.xlsx"]);
    let (status, _, stderr) = press_enter_when_waiting(child);
    assert_eq!(status, 1, "{stderr}");
    assert!(!tmp.path().join("opened.txt").exists(), "nothing opened");
}

#[cfg(unix)]
#[test]
fn an_unreadable_drop_waits_and_says_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("坏.xlsx"), "不是工作簿").unwrap();
    let child = start(tmp.path(), &["--pause", "坏.xlsx"]);
    let (status, stdout, stderr) = press_enter_when_waiting(child);
    assert_eq!(status, 2);
    assert!(stdout.contains("无法检查"), "{stdout}");
    assert!(
        stderr.contains("请把 .xlsx、.xls、.ods 或 .et 格式的绩效自评表拖到程序图标上"),
        "{stderr}"
    );
    assert!(!tmp.path().join("opened.txt").exists(), "nothing opened");
}

#[cfg(unix)]
#[test]
fn a_double_click_without_a_file_explains_and_waits() {
    let tmp = tempfile::tempdir().unwrap();
    let child = start(tmp.path(), &["--pause"]);
    let (status, stdout, stderr) = press_enter_when_waiting(child);
    assert_eq!(status, 2);
    assert!(stdout.contains("拖到 jixiao 程序图标上"), "{stdout}");
    assert!(stderr.contains("按回车键关闭窗口"), "{stderr}");
}

#[test]
fn a_pipe_never_waits() {
    let tmp = tempfile::tempdir().unwrap();
    seed_in(tmp.path());
    let mut child = start(tmp.path(), &["自评表.xlsx"]);
    // stdin stays open and silent: a run that waited would never end.
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "jixiao waits on a pipe"
        );
        sleep(Duration::from_millis(50));
    }
    assert!(!tmp.path().join("opened.txt").exists(), "nothing opened");
}
