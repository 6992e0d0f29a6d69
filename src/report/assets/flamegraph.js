// austinc-report flame graph: click to zoom, search, details on hover.
// Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
//
// view_svg.c writes every frame at its full-view size as a group of class
// "f" holding a title (the name, file:line when there is one, the value:
// one a line), a rect and a text label, all inside the group "frames",
// whose data-left, data-width and data-char give the frames' area and the
// width of one character. Zooming and searching start from the rectangles'
// original coordinates, kept here.
(function () {
	"use strict";
	var doc = document;
	var area = doc.getElementById("frames");
	var left = +area.getAttribute("data-left");
	var width = +area.getAttribute("data-width");
	var charWidth = +area.getAttribute("data-char");
	var details = doc.getElementById("details");
	var matched = doc.getElementById("matched");
	var resetButton = doc.getElementById("reset");
	var searchButton = doc.getElementById("search");
	var HIGHLIGHT = "#e040c8";
	// Rounding in the file's coordinates must not decide containment.
	var EPSILON = 0.02;

	var frames = [];
	var groups = area.getElementsByTagName("g");
	for (var i = 0; i < groups.length; i++) {
		var g = groups[i];
		g.frameIndex = i;
		var rect = g.getElementsByTagName("rect")[0];
		var lines = g.getElementsByTagName("title")[0].textContent.split("\n");
		frames.push({
			g: g,
			rect: rect,
			text: g.getElementsByTagName("text")[0],
			name: lines[0],
			where: lines.length > 2 ? lines[1] : "",
			info: lines.join(" \u2014 "),
			x: +rect.getAttribute("x"),
			w: +rect.getAttribute("width"),
			y: +rect.getAttribute("y"),
			fill: rect.getAttribute("fill")
		});
	}

	// The label that fits a frame w pixels wide, as view_svg.c writes it.
	function fit(name, w) {
		var room = Math.floor((w - 6) / charWidth);
		if (room < 3)
			return "";
		var chars = Array.from(name);
		if (chars.length <= room)
			return name;
		return chars.slice(0, room - 2).join("") + "..";
	}

	function place(f, x, w) {
		f.rect.setAttribute("x", x.toFixed(2));
		f.rect.setAttribute("width", w.toFixed(2));
		f.text.setAttribute("x", (x + 3).toFixed(2));
		f.text.textContent = fit(f.name, w);
		f.g.classList.remove("hidden");
	}

	// Classic layout: the root is at the bottom, so a frame's ancestors
	// have a larger y and its descendants a smaller one.
	function zoom(target) {
		var scale = width / target.w;
		frames.forEach(function (f) {
			var inside = f.x >= target.x - EPSILON &&
				f.x + f.w <= target.x + target.w + EPSILON;
			var around = f.x <= target.x + EPSILON &&
				f.x + f.w >= target.x + target.w - EPSILON;
			f.g.classList.remove("ancestor");
			if (f.y <= target.y && inside) {
				place(f, left + (f.x - target.x) * scale, f.w * scale);
			} else if (f.y > target.y && around) {
				place(f, left, width);
				f.g.classList.add("ancestor");
			} else {
				f.g.classList.add("hidden");
			}
		});
		resetButton.classList.remove("hidden");
	}

	function reset() {
		frames.forEach(function (f) {
			f.g.classList.remove("ancestor");
			place(f, f.x, f.w);
		});
		resetButton.classList.add("hidden");
	}

	function frameOf(node) {
		var g = node.closest ? node.closest("g.f") : null;
		return g ? frames[g.frameIndex] : null;
	}

	area.addEventListener("click", function (event) {
		var f = frameOf(event.target);
		if (!f)
			return;
		if (f.w >= width - EPSILON) // the root, or all there is
			reset();
		else
			zoom(f);
	});
	area.addEventListener("mouseover", function (event) {
		var f = frameOf(event.target);
		details.textContent = f ? f.info : "";
	});
	area.addEventListener("mouseout", function () {
		details.textContent = "";
	});

	// Share of the whole graph covered by the frames in the list, nested
	// matches counted once: merge their x intervals.
	function coveredShare(list) {
		var spans = list.map(function (f) { return [f.x, f.x + f.w]; });
		spans.sort(function (a, b) { return a[0] - b[0]; });
		var covered = 0, end = -Infinity;
		spans.forEach(function (s) {
			if (s[1] <= end)
				return;
			covered += s[1] - Math.max(s[0], end);
			end = s[1];
		});
		return 100 * covered / width;
	}

	function pattern(term) {
		try {
			return new RegExp(term);
		} catch (e) {
			return new RegExp(term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
		}
	}

	var searching = false;

	function clearSearch() {
		frames.forEach(function (f) { f.rect.setAttribute("fill", f.fill); });
		matched.textContent = "";
		searchButton.textContent = "Search";
		searching = false;
	}

	function search(term) {
		clearSearch();
		if (!term)
			return;
		var re = pattern(term);
		var hits = frames.filter(function (f) {
			return re.test(f.name) || re.test(f.where);
		});
		hits.forEach(function (f) { f.rect.setAttribute("fill", HIGHLIGHT); });
		matched.textContent = "Matched " + hits.length + " frames, " +
			coveredShare(hits).toFixed(1) + "% of the total";
		searchButton.textContent = "Clear search";
		searching = true;
	}

	searchButton.addEventListener("click", function () {
		if (searching)
			clearSearch();
		else
			search(window.prompt("Search functions and files (regular expression):", ""));
	});
	resetButton.addEventListener("click", reset);
	window.addEventListener("keydown", function (event) {
		if ((event.ctrlKey || event.metaKey) && event.key === "f") {
			event.preventDefault();
			search(window.prompt("Search functions and files (regular expression):", ""));
		} else if (event.key === "Escape") {
			reset();
			clearSearch();
		}
	});

	// A #search=TERM fragment searches on load (links, headless checks).
	if (window.location && window.location.hash.indexOf("#search=") === 0)
		search(decodeURIComponent(window.location.hash.slice(8)));
})();
