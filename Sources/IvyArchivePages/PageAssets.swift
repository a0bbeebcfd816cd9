/// The stylesheet and script every page links (`.ivy-archiver/pages/archive.css` and
/// `archive.js`): plain CSS and a little vanilla JavaScript, nothing fetched from elsewhere, so
/// the pages work opened straight from the disk (`file://`).
enum PageAssets {
    static let css = """
        :root { --bg: #fafaf9; --fg: #1c1917; --muted: #57534e; --card: #fff; --line: #e7e5e4; --none: #f1f0ef;
          --continuous: #2563eb; --motion: #ea580c; --human: #c026d3; --sound: #0d9488; --event: #ca8a04; --lost: #dc2626; }
        @media (prefers-color-scheme: dark) {
          :root { --bg: #1c1917; --fg: #f5f5f4; --muted: #a8a29e; --card: #292524; --line: #44403c; --none: #33302e; }
        }
        * { box-sizing: border-box; }
        body { margin: 0; padding: 0 1rem 2rem; background: var(--bg); color: var(--fg);
          font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
        header, main, footer { max-width: 72rem; margin: 0 auto; }
        header { padding: 1rem 0 .5rem; }
        h1 { font-size: 1.5rem; margin: .3rem 0; }
        h1 small { font-weight: normal; color: var(--muted); }
        h2 { font-size: 1.15rem; margin: 0 0 .2rem; }
        a { color: var(--continuous); }
        nav { color: var(--muted); }
        .facts, footer, .day-facts { color: var(--muted); font-size: .9rem; }
        .warn { color: var(--lost); font-weight: 600; }
        footer { margin-top: 2rem; border-top: 1px solid var(--line); padding-top: .5rem; }
        .pager { display: flex; justify-content: space-between; }
        .pager a[rel=next] { margin-left: auto; }
        .camera-card { display: flex; gap: 1rem; background: var(--card); border: 1px solid var(--line); border-radius: 8px;
          padding: .8rem; margin: 0 0 1rem; }
        .camera-thumb { flex: 0 0 12rem; }
        .camera-thumb img, .camera-thumb .no-thumb { width: 100%; height: auto; aspect-ratio: 16 / 9; border-radius: 4px; object-fit: cover; }
        .camera-thumb img { display: block; }
        .camera-text { flex: 1; min-width: 0; }
        .days, .months { list-style: none; margin: .4rem 0; padding: 0; }
        .months li { margin: .3rem 0; }
        .day-row { display: grid; grid-template-columns: 6.5rem 1fr; gap: .2rem .6rem; align-items: center; margin: .35rem 0; }
        .day-row .day-facts { grid-column: 2; }
        .bar { position: relative; height: 1.6rem; background: var(--none); border-radius: 3px; overflow: hidden; }
        .timeline .bar { height: 4.2rem; margin-top: 1.4rem; overflow: visible; }
        .tick { position: absolute; top: -1.3rem; font-size: .75rem; color: var(--muted); transform: translateX(-50%); }
        .tick:first-child { transform: none; }
        .piece { position: absolute; top: 0; height: 100%; min-width: 2px; display: block; }
        .lane-continuous { top: 0; height: 50%; }
        .lane-events { top: 50%; height: 50%; }
        .lane-gap { background: repeating-linear-gradient(135deg, transparent 0 4px, var(--line) 4px 6px); }
        .t-continuous { background-color: var(--continuous); }
        .t-motion { background-color: var(--motion); }
        .t-human { background-color: var(--human); }
        .t-sound { background-color: var(--sound); }
        .t-event { background-color: var(--event); }
        .s-partial { background-image: repeating-linear-gradient(45deg, transparent 0 3px, rgba(255,255,255,.55) 3px 6px); }
        .s-lost { background: repeating-linear-gradient(45deg, var(--lost) 0 3px, transparent 3px 6px); }
        .s-failed, .s-seen { background-color: transparent; outline: 2px dashed var(--event); outline-offset: -2px; }
        .s-pruned { opacity: .35; }
        .legend { list-style: none; display: flex; flex-wrap: wrap; gap: .3rem 1rem; padding: 0; margin: .6rem 0; font-size: .85rem; color: var(--muted); }
        .swatch { display: inline-block; width: 1.1rem; height: .8rem; margin-right: .35rem; vertical-align: -1px; border-radius: 2px; }
        .swatch.s-gap { background: repeating-linear-gradient(135deg, var(--none) 0 4px, var(--muted) 4px 6px); }
        .clips { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: .8rem; }
        .clip { background: var(--card); border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
        .clip.playing { outline: 3px solid var(--continuous); }
        .clip.s-lost, .clip.s-failed, .clip.s-seen, .clip.s-partial, .clip.s-pruned { background-image: none; outline: none; opacity: 1; }
        .thumb { display: block; width: 100%; padding: 0; border: 0; background: #000; cursor: pointer; aspect-ratio: 16 / 9; }
        .thumb img { width: 100%; height: 100%; object-fit: contain; display: block; }
        .no-thumb { display: flex; align-items: center; justify-content: center; height: 100%; color: #d6d3d1; background: #44403c; }
        .clip-text { margin: .4rem .6rem .6rem; font-size: .9rem; }
        .clip-text .type, .clip-text .state { font-size: .8rem; padding: 0 .35rem; border-radius: 3px; color: #fff; }
        .clip-text .state { background: var(--muted); }
        .clip-text .state.s-partial, .clip-text .state.s-lost, .clip-text .state.s-failed { background: var(--lost); }
        .note { color: var(--lost); }
        .note.s-pruned, .note.s-archived { color: var(--muted); }
        .type, .state, .date { white-space: nowrap; }
        .file { font-size: .8rem; word-break: break-all; }
        .player { position: sticky; top: 0; z-index: 2; background: var(--bg); padding: .4rem 0; }
        .player video { width: 100%; max-height: 60vh; background: #000; border-radius: 6px; }
        .player-note { color: var(--lost); }
        @media (max-width: 40rem) {
          body { padding: 0 .6rem 1.5rem; }
          .camera-card { flex-direction: column; }
          .camera-thumb { flex-basis: auto; }
          .day-row { grid-template-columns: 1fr; }
          .day-row .day-facts { grid-column: 1; }
          .player { position: static; }
          span.tick:nth-of-type(even) { display: none; }
        }
        """

    static let js = """
        // Plays a clip in the page when its picture or its piece of the bar is clicked. An HEVC
        // clip that the browser cannot decode gets a note with a link to the file instead.
        "use strict";
        (function () {
          var player = document.getElementById("player");
          if (!player) { return; }
          var video = player.querySelector("video");
          var note = player.querySelector(".player-note");
          var title = player.querySelector(".player-title");
          var current = null;
          var mime = { hevc: 'video/mp4; codecs="hvc1.1.6.L93.B0"', h264: 'video/mp4; codecs="avc1.64001f"' };

          function say(text, clip) {
            note.textContent = text + " ";
            if (clip && clip.dataset.file) {
              var link = document.createElement("a");
              link.href = clip.dataset.file;
              link.textContent = "Open the file";
              note.appendChild(link);
            }
            note.hidden = false;
          }

          function play(clip) {
            if (!clip) { return; }
            current = clip;
            player.hidden = false;
            document.querySelectorAll(".clip.playing").forEach(function (c) { c.classList.remove("playing"); });
            clip.classList.add("playing");
            title.textContent = clip.querySelector("time").textContent + " " + clip.dataset.type + " (" + clip.dataset.state + ")";
            note.hidden = true;
            if (!clip.dataset.file) {
              video.removeAttribute("src");
              video.load();
              say("This clip is not in the archive (" + clip.dataset.state + ").", null);
              return;
            }
            var codec = clip.dataset.video;
            if (mime[codec] && video.canPlayType(mime[codec]) === "") {
              video.removeAttribute("src");
              video.load();
              say("This clip is " + (codec === "hevc" ? "HEVC (H.265)" : codec) + ", which this browser cannot play; a player such as VLC or mpv can.", clip);
              return;
            }
            video.src = clip.dataset.file;
            var started = video.play();
            if (started && started.catch) { started.catch(function () {}); }
            player.scrollIntoView({ block: "nearest" });
          }

          video.addEventListener("error", function () {
            if (current) { say("This browser could not play this clip (" + (current.dataset.video || "unknown codec") + ").", current); }
          });
          document.querySelectorAll(".clip .thumb").forEach(function (button) {
            button.addEventListener("click", function () { play(button.closest(".clip")); });
          });
          document.querySelectorAll(".piece[data-clip]").forEach(function (piece) {
            piece.addEventListener("click", function (event) {
              event.preventDefault();
              var clip = document.getElementById("clip-" + piece.dataset.clip);
              clip.scrollIntoView({ block: "nearest" });
              play(clip);
            });
          });
          // A link to `DAY.html#play-clip-N` opens the page playing that clip.
          var wanted = /^#play-(clip-[0-9]+)$/.exec(location.hash);
          if (wanted) { play(document.getElementById(wanted[1])); }
          // A thumbnail that cannot be read is marked, and shown as a plain box.
          document.querySelectorAll(".thumb img").forEach(function (img) {
            function broken() { img.dataset.broken = "true"; img.closest(".thumb").classList.add("missing"); }
            if (img.complete && img.naturalWidth === 0) { broken(); }
            img.addEventListener("error", broken);
          });
        })();
        """
}
