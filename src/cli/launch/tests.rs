use super::*;

fn facts() -> Facts {
    Facts {
        stdin_terminal: true,
        stdout_terminal: true,
        paths: 1,
        ..Facts::default()
    }
}

#[test]
fn a_terminal_session_neither_waits_nor_opens() {
    assert_eq!(decide(facts()), Launch::default());
}

#[test]
fn a_drop_on_windows_waits_and_opens() {
    let drop = Facts {
        console_alone: true,
        ..facts()
    };
    let want = Launch {
        pause: true,
        open: true,
        how_to: false,
    };
    assert_eq!(decide(drop), want);
    let no_open = Facts {
        open: Some(false),
        ..drop
    };
    assert_eq!(
        decide(no_open),
        Launch {
            open: false,
            ..want
        }
    );
}

#[test]
fn a_double_click_without_a_file_explains_and_waits() {
    let click = Facts {
        console_alone: true,
        paths: 0,
        ..facts()
    };
    let want = Launch {
        pause: true,
        open: false,
        how_to: true,
    };
    assert_eq!(decide(click), want);
}

#[test]
fn pipes_never_wait_even_in_a_console_of_its_own() {
    for (stdin_terminal, stdout_terminal) in [(false, true), (true, false), (false, false)] {
        let piped = Facts {
            console_alone: true,
            stdin_terminal,
            stdout_terminal,
            ..facts()
        };
        assert_eq!(decide(piped), Launch::default(), "{piped:?}");
    }
}

#[test]
fn the_pause_flag_waits_whatever_the_streams() {
    let desktop = Facts {
        pause_flag: true,
        stdin_terminal: false,
        stdout_terminal: false,
        ..facts()
    };
    assert!(decide(desktop).pause);
    assert!(decide(desktop).open);
}

#[test]
fn open_can_be_asked_for_from_a_terminal() {
    let asked = Facts {
        open: Some(true),
        ..facts()
    };
    assert_eq!(
        decide(asked),
        Launch {
            open: true,
            ..Launch::default()
        }
    );
}

#[test]
fn pause_is_found_before_a_double_dash_only() {
    let args = |a: &[&str]| a.iter().map(OsString::from).collect::<Vec<_>>();
    assert!(pause_in(&args(&["jixiao", "--pause", "a.xlsx"])));
    assert!(!pause_in(&args(&["jixiao", "--", "--pause"])));
    assert!(!pause_in(&args(&["--pause"])));
}
