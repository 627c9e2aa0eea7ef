// Oviya web chat: plain JavaScript against the public API (/work/shared/API.md), no build step,
// nothing loaded from outside this origin.
'use strict';

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------------------------
// Session: the token pair lives in sessionStorage (this tab only, survives a reload).

const session = {
  access: null,
  refresh: null,
  expiresAt: 0,
  user: null,
  load() {
    try {
      const saved = JSON.parse(sessionStorage.getItem('oviya.session') || 'null');
      if (saved) Object.assign(this, saved);
    } catch (ignored) { /* a damaged entry is the same as none */ }
  },
  save(tokens) {
    this.access = tokens.accessToken;
    this.refresh = tokens.refreshToken;
    this.expiresAt = Date.now() + (tokens.expiresIn || 900) * 1000;
    if (tokens.user) this.user = tokens.user;
    sessionStorage.setItem('oviya.session', JSON.stringify({ access: this.access, refresh: this.refresh, expiresAt: this.expiresAt, user: this.user }));
  },
  clear() {
    this.access = this.refresh = this.user = null;
    this.expiresAt = 0;
    sessionStorage.removeItem('oviya.session');
  }
};

const state = {
  conversation: null,
  conversationsCursor: null,
  listVersion: 0,        // bumped by a rename, so an older list response is not shown over it
  cursor: null,          // the next (older) page of the open conversation
  loadingOlder: false,
  sending: null,         // { controller, replyId, conversationId } while a reply streams in
  memoriesCursor: null,
  memoryQuery: ''
};

class ApiError extends Error {
  constructor(message, status, code, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

// One refresh at a time: concurrent 401s wait for the same new pair (a reused refresh token
// would revoke the whole session family).
let refreshing = null;
function refreshTokens() {
  if (!session.refresh) return Promise.reject(new ApiError('Please log in.', 401, 'unauthorized'));
  if (!refreshing) {
    refreshing = fetch('/v1/auth/refresh', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ refreshToken: session.refresh })
    }).then(async (res) => {
      if (!res.ok) throw await problem(res);
      session.save(await res.json());
      realtime.reconnectSoon();
    }).finally(() => { refreshing = null; });
  }
  return refreshing;
}

async function problem(res) {
  const body = await res.json().catch(() => ({}));
  const retryAfter = parseInt(res.headers.get('Retry-After') || '', 10);
  let message = body.detail || body.title || ('The server answered ' + res.status + '.');
  if (res.status === 429) {
    const wait = Number.isFinite(retryAfter) ? waitText(retryAfter) : 'a little while';
    message = (body.code === 'daily_quota_exceeded'
      ? "You've reached today's message limit. It resets in " + wait + '.'
      : 'That was quick! Please wait ' + wait + ' before sending again.') + (body.detail ? ' (' + body.detail + ')' : '');
  } else if (res.status >= 500 && !body.detail) {
    message = 'Oviya is having trouble right now; please try again in a moment.';
  }
  return new ApiError(message, res.status, body.code, retryAfter);
}

function waitText(seconds) {
  if (seconds < 90) return seconds + (seconds === 1 ? ' second' : ' seconds');
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return minutes + ' minutes';
  return Math.floor(minutes / 60) + ' h ' + (minutes % 60) + ' min';
}

// fetch with the access token: refreshed shortly before it expires, and once more on a 401.
async function authedFetch(path, init = {}, retried = false) {
  if (session.refresh && Date.now() > session.expiresAt - 30000) {
    await refreshTokens().catch(() => {});
  }
  const headers = Object.assign({}, init.headers || {});
  if (session.access) headers.Authorization = 'Bearer ' + session.access;
  const res = await fetch(path, Object.assign({}, init, { headers }));
  if (res.status === 401 && !retried && session.refresh) {
    try {
      await refreshTokens();
    } catch (e) {
      endSession('Your session has ended; please log in again.');
      throw new ApiError('Your session has ended; please log in again.', 401, 'unauthorized');
    }
    return authedFetch(path, init, true);
  }
  if (res.status === 401) {
    endSession('Your session has ended; please log in again.');
    throw new ApiError('Your session has ended; please log in again.', 401, 'unauthorized');
  }
  return res;
}

async function api(path, options = {}) {
  const init = Object.assign({}, options, {
    headers: Object.assign({ Accept: 'application/json' }, options.body ? { 'Content-Type': 'application/json' } : {}, options.headers || {})
  });
  const res = await authedFetch(path, init);
  if (!res.ok) throw await problem(res);
  if (res.status === 204) return null;
  return res.json();
}

function notice(text) {
  const n = $('notice');
  n.textContent = text || '';
  n.hidden = !text;
}

// ---------------------------------------------------------------------------------------------
// Log in, register, log out.

$('auth-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const mode = event.submitter && event.submitter.dataset.mode === 'register' ? 'register' : 'login';
  const email = $('email').value.trim();
  const password = $('password').value;
  $('auth-error').textContent = '';
  if (!email || !password) {
    $('auth-error').textContent = 'Please enter your email and a password.';
    return;
  }
  const body = { email, password };
  if (mode === 'register' && $('display-name').value.trim()) body.displayName = $('display-name').value.trim();
  setBusy($('auth-form'), true);
  try {
    const res = await fetch('/v1/auth/' + mode, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body)
    });
    if (!res.ok) throw await problem(res);
    session.save(await res.json());
    $('password').value = '';
    notice('');
    startApp();
  } catch (e) {
    $('auth-error').textContent = e instanceof ApiError ? e.message : 'Could not reach Oviya; check your connection.';
  } finally {
    setBusy($('auth-form'), false);
  }
});

$('logout').addEventListener('click', async () => {
  const refreshToken = session.refresh;
  endSession('');
  if (refreshToken) {
    fetch('/v1/auth/logout', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ refreshToken }) })
      .catch(() => {});
  }
});

function endSession(message) {
  if (state.sending) state.sending.controller.abort();
  realtime.stop();
  session.clear();
  state.conversation = null;
  $('app').hidden = true;
  $('auth').hidden = false;
  $('logout').hidden = true;
  $('show-memories').hidden = true;
  $('toggle-conversations').hidden = true;
  $('who').textContent = '';
  $('conversations').replaceChildren();
  clearMessages();
  notice(message);
}

function setBusy(form, busy) {
  for (const b of form.querySelectorAll('button')) b.disabled = busy;
  form.setAttribute('aria-busy', busy ? 'true' : 'false');
}

async function startApp() {
  $('auth').hidden = true;
  $('app').hidden = false;
  $('logout').hidden = false;
  $('show-memories').hidden = false;
  $('toggle-conversations').hidden = false;
  showWho(session.user);
  refreshMe();
  realtime.start();
  try {
    await loadConversations();
    if (!state.conversation) {
      // The most recent conversation, or an empty page: the first message starts one.
      const first = $('conversations').querySelector('li');
      if (first) await openConversation(first.dataset.id);
      else $('empty').hidden = false;
    }
  } catch (e) {
    showChatError(e);
  }
  $('content').focus();
}

function showWho(user, usage) {
  if (!user) return;
  let text = (user.displayName || user.email) + ' · ' + user.plan + ' plan';
  if (usage && usage.dailyLimit != null) text += ' · ' + usage.remaining + ' of ' + usage.dailyLimit + ' messages left today';
  $('who').textContent = text;
}

async function refreshMe() {
  try {
    const me = await api('/v1/me');
    session.user = Object.assign({}, session.user || {}, { id: me.id, email: me.email, displayName: me.displayName, plan: me.plan });
    showWho(session.user, me.usage);
  } catch (ignored) { /* the header is a nicety */ }
}

// ---------------------------------------------------------------------------------------------
// Conversations: list, new, rename, delete.

async function loadConversations(more = false) {
  const url = '/v1/conversations?limit=50' + (more && state.conversationsCursor ? '&cursor=' + encodeURIComponent(state.conversationsCursor) : '');
  const version = state.listVersion;
  const page = await api(url);
  // A rename finished while this page was on its way: it may hold the old title.
  if (version !== state.listVersion && !more) return loadConversations();
  const list = $('conversations');
  // A refresh in the background (after a reply, a realtime event) must not drop a rename in progress.
  const editing = list.querySelector('.rename-form');
  const keep = editing ? editing.closest('li') : null;
  if (!more) list.replaceChildren();
  for (const c of page.items) list.appendChild(keep && keep.dataset.id === c.id ? keep : conversationItem(c));
  state.conversationsCursor = page.nextCursor;
  $('more-conversations').hidden = !page.nextCursor;
}
$('more-conversations').addEventListener('click', () => loadConversations(true).catch(showChatError));

function conversationItem(c) {
  const li = document.createElement('li');
  li.dataset.id = c.id;
  if (state.conversation === c.id) li.classList.add('active');
  const open = document.createElement('button');
  open.className = 'open';
  open.textContent = c.title || 'Untitled';
  open.title = c.lastMessageAt ? 'Last message ' + new Date(c.lastMessageAt).toLocaleString() : 'No messages yet';
  if (state.conversation === c.id) open.setAttribute('aria-current', 'true');
  open.addEventListener('click', () => { openConversation(c.id).catch(showChatError); closeSidebar(); });
  const rename = document.createElement('button');
  rename.className = 'icon rename';
  rename.textContent = '✎';
  rename.setAttribute('aria-label', 'Rename ' + (c.title || 'conversation'));
  rename.addEventListener('click', () => startRename(li, c));
  const del = document.createElement('button');
  del.className = 'icon delete';
  del.textContent = '✕';
  del.setAttribute('aria-label', 'Delete ' + (c.title || 'conversation'));
  del.addEventListener('click', () => deleteConversation(c));
  li.append(open, rename, del);
  return li;
}

function startRename(li, c) {
  const form = document.createElement('form');
  form.className = 'rename-form';
  const input = document.createElement('input');
  input.value = c.title || '';
  input.maxLength = 200;
  input.setAttribute('aria-label', 'New title');
  const save = document.createElement('button');
  save.type = 'submit';
  save.textContent = 'Save';
  form.append(input, save);
  li.replaceChildren(form);
  input.focus();
  input.select();
  const cancel = () => li.replaceWith(conversationItem(c));
  input.addEventListener('keydown', (e) => { if (e.key === 'Escape') cancel(); });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const title = input.value.trim();
    if (!title || title === c.title) { cancel(); return; }
    try {
      const updated = await api('/v1/conversations/' + c.id, { method: 'PATCH', body: JSON.stringify({ title }) });
      state.listVersion++;
      const current = $('conversations').querySelector('li[data-id="' + cssId(c.id) + '"]') || li;
      current.replaceWith(conversationItem(updated));
    } catch (err) {
      showChatError(err);
      cancel();
    }
  });
}

async function deleteConversation(c) {
  if (!window.confirm('Delete "' + (c.title || 'this conversation') + '" and all its messages? This cannot be undone.')) return;
  try {
    await api('/v1/conversations/' + c.id, { method: 'DELETE' });
    if (state.conversation === c.id) {
      state.conversation = null;
      clearMessages();
    }
    await loadConversations();
    if (!state.conversation) {
      const first = $('conversations').querySelector('li');
      if (first) await openConversation(first.dataset.id);
      else $('empty').hidden = false;
    }
  } catch (e) {
    showChatError(e);
  }
}

async function newConversation() {
  const c = await api('/v1/conversations', { method: 'POST', body: JSON.stringify({ title: 'Chat of ' + new Date().toLocaleDateString() }) });
  state.conversation = c.id;
  await loadConversations();
  await openConversation(c.id);
  return c;
}
$('new-conversation').addEventListener('click', () => { newConversation().then(() => $('content').focus()).catch(showChatError); closeSidebar(); });

// Narrow screens: the conversation list slides over the chat.
$('toggle-conversations').addEventListener('click', () => {
  const open = !document.body.classList.contains('sidebar-open');
  document.body.classList.toggle('sidebar-open', open);
  $('toggle-conversations').setAttribute('aria-expanded', String(open));
});
function closeSidebar() {
  document.body.classList.remove('sidebar-open');
  $('toggle-conversations').setAttribute('aria-expanded', 'false');
}

// ---------------------------------------------------------------------------------------------
// Messages: newest first from the API, shown oldest at the top; scrolling up loads older pages.

function clearMessages() {
  const box = $('messages');
  for (const el of Array.from(box.querySelectorAll('.msg'))) el.remove();
  $('older').hidden = true;
  $('empty').hidden = true;
  setTyping('');
}

async function openConversation(id) {
  if (state.sending && state.sending.conversationId !== id) state.sending.controller.abort();
  state.conversation = id;
  state.cursor = null;
  for (const li of $('conversations').children) {
    li.classList.toggle('active', li.dataset.id === id);
    const open = li.querySelector('.open');
    if (open) open.toggleAttribute('aria-current', li.dataset.id === id);
  }
  $('memories').hidden = true;
  $('chat').hidden = false;
  $('chat-error').textContent = '';
  clearMessages();
  await loadOlder(true);
  const box = $('messages');
  box.scrollTop = box.scrollHeight;
}

async function loadOlder(first = false) {
  if (state.loadingOlder || (!first && !state.cursor)) return;
  const id = state.conversation;
  state.loadingOlder = true;
  try {
    const url = '/v1/conversations/' + id + '/messages?limit=30' + (state.cursor ? '&cursor=' + encodeURIComponent(state.cursor) : '');
    const page = await api(url);
    if (id !== state.conversation) return;
    const box = $('messages');
    const before = box.scrollHeight;
    const anchor = $('empty').nextSibling;
    for (const m of page.items.slice().reverse()) {
      if (!box.querySelector('.msg[data-id="' + cssId(m.id) + '"]')) box.insertBefore(bubble(m), anchor);
    }
    // Keep what the reader was looking at in place while older messages appear above it.
    if (!first) box.scrollTop += box.scrollHeight - before;
    state.cursor = page.nextCursor;
    $('older').hidden = !state.cursor;
    $('empty').hidden = box.querySelector('.msg') !== null;
  } finally {
    state.loadingOlder = false;
  }
}
$('older').addEventListener('click', () => loadOlder().catch(showChatError));
if ('IntersectionObserver' in window) {
  new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting) && state.cursor && !$('app').hidden) loadOlder().catch(showChatError);
  }, { root: $('messages'), rootMargin: '200px 0px 0px 0px' }).observe($('older-sentinel'));
} else {
  $('messages').addEventListener('scroll', () => { if ($('messages').scrollTop < 50 && state.cursor) loadOlder().catch(showChatError); });
}

function cssId(id) {
  return String(id).replace(/["\\]/g, '');
}

function bubble(m) {
  const div = document.createElement('article');
  div.className = 'msg ' + m.role;
  div.dataset.id = m.id || '';
  div.dataset.status = m.status || 'streaming';
  const who = document.createElement('span');
  who.className = 'visually-hidden';
  who.textContent = m.role === 'user' ? 'You said: ' : 'Oviya said: ';
  const text = document.createElement('div');
  text.className = 'text';
  text.textContent = m.content || '';
  div.append(who, text);
  decorate(div, m);
  return div;
}

// Emotion, safety resources and status under a message.
function decorate(div, m) {
  for (const el of Array.from(div.querySelectorAll('.meta, .safety'))) el.remove();
  if (m.safety && m.safety.message) {
    const safety = document.createElement('aside');
    safety.className = 'safety';
    safety.setAttribute('role', 'note');
    safety.setAttribute('aria-label', 'Support resources');
    safety.textContent = m.safety.message;
    div.appendChild(safety);
  }
  const meta = document.createElement('span');
  meta.className = 'meta';
  const parts = [];
  if (m.createdAt) parts.push(new Date(m.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
  if (m.emotion && m.emotion.label) {
    const emotion = document.createElement('span');
    emotion.className = 'emotion';
    emotion.textContent = 'sensed: ' + m.emotion.label;
    emotion.title = 'Oviya sensed ' + m.emotion.label + ' (' + Math.round((m.emotion.intensity || 0) * 100) + '%) in your message';
    meta.append(parts.join(' · '), parts.length ? ' · ' : '', emotion);
  } else {
    meta.textContent = parts.join(' · ');
  }
  if (m.status === 'partial') meta.append(' · stopped early');
  if (m.status === 'failed') meta.append(' · failed');
  div.appendChild(meta);
  div.dataset.status = m.status || 'streaming';
}

function upsertMessage(m) {
  const box = $('messages');
  let div = m.id ? box.querySelector('.msg[data-id="' + cssId(m.id) + '"]') : null;
  if (div) {
    div.querySelector('.text').textContent = m.content;
    decorate(div, m);
  } else {
    div = bubble(m);
    box.appendChild(div);
  }
  $('empty').hidden = true;
  return div;
}

function appendDelta(messageId, text) {
  const box = $('messages');
  let div = box.querySelector('.msg[data-id="' + cssId(messageId) + '"]');
  if (!div) {
    div = bubble({ id: messageId, role: 'assistant', content: '' });
    box.appendChild(div);
  }
  div.querySelector('.text').textContent += text;
  return div;
}

function scrollToEnd() {
  const box = $('messages');
  box.scrollTop = box.scrollHeight;
}

function showChatError(e) {
  $('chat-error').textContent = e instanceof ApiError ? e.message : 'Could not reach Oviya; check your connection and try again.';
}

// ---------------------------------------------------------------------------------------------
// Sending: POST with Accept: text/event-stream, read with fetch + ReadableStream (EventSource
// cannot POST). Stop aborts the fetch; the server keeps what was generated as a partial reply.

$('content').addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    $('send-form').requestSubmit();
  }
});
$('content').addEventListener('input', () => realtime.userTyping());

$('send-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const content = $('content').value.trim();
  if (!content || state.sending) return;
  if (!state.conversation) {
    try { await newConversation(); } catch (e) { showChatError(e); return; }
  }
  realtime.userStopped();
  const conversationId = state.conversation;
  const controller = new AbortController();
  const send = { controller, conversationId, replyId: null, userMessageId: null, lastEventId: null, finished: false };
  state.sending = send;
  $('chat-error').textContent = '';
  $('content').value = '';
  $('send').disabled = true;
  $('stop').hidden = false;
  setTyping('Oviya is typing…');
  try {
    const res = await authedFetch('/v1/conversations/' + conversationId + '/messages', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', 'Idempotency-Key': newKey() },
      body: JSON.stringify({ content }),
      signal: controller.signal
    });
    if (!res.ok) {
      $('content').value = content; // nothing was stored: keep what the user wrote
      throw await problem(res);
    }
    await readEvents(res, send);
    // The connection ended without a last event: pick the reply up where it stopped.
    for (let attempt = 0; !send.finished && send.userMessageId && attempt < 2; attempt++) {
      const mid = send.replyId || send.userMessageId;
      const again = await authedFetch('/v1/conversations/' + conversationId + '/messages/' + mid + '/stream', {
        headers: { Accept: 'text/event-stream', 'Last-Event-ID': send.lastEventId || '0' },
        signal: controller.signal
      });
      if (!again.ok) throw await problem(again);
      await readEvents(again, send);
    }
    if (!send.finished) $('chat-error').textContent = 'The reply was interrupted. Your message is saved; reload to see the latest.';
  } catch (e) {
    if (controller.signal.aborted) {
      markStopped(send);
    } else {
      showChatError(e);
    }
  } finally {
    if (state.sending === send) state.sending = null;
    $('send').disabled = false;
    $('stop').hidden = true;
    setTyping('');
    loadConversations().catch(() => {});
    refreshMe();
  }
});

$('stop').addEventListener('click', () => { if (state.sending) state.sending.controller.abort(); });

function markStopped(send) {
  if (!send.replyId || send.conversationId !== state.conversation) return;
  const div = $('messages').querySelector('.msg[data-id="' + cssId(send.replyId) + '"]');
  if (div && div.dataset.status === 'streaming') {
    decorate(div, { status: 'partial', createdAt: new Date().toISOString() });
  }
}

function newKey() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  return 'k-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2);
}

// Reads one SSE response to its end, applying each event to the page.
async function readEvents(res, send) {
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const raw = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const ev = parseEvent(raw);
      if (ev) applyEvent(ev, send);
    }
  }
}

function parseEvent(raw) {
  const ev = { name: 'message', data: [], id: null };
  for (const line of raw.split('\n')) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') ev.name = value;
    else if (field === 'data') ev.data.push(value);
    else if (field === 'id') ev.id = value;
  }
  if (!ev.data.length) return null;
  try {
    ev.data = JSON.parse(ev.data.join('\n'));
  } catch (ignored) {
    return null;
  }
  return ev;
}

function applyEvent(ev, send) {
  if (ev.id && /^\d+$/.test(ev.id)) send.lastEventId = ev.id;
  const visible = send.conversationId === state.conversation;
  const data = ev.data;
  if (ev.name === 'message.created' && data.message) {
    send.userMessageId = data.message.id;
    if (visible) upsertMessage(data.message);
  } else if (ev.name === 'reply.delta') {
    send.replyId = data.messageId;
    if (visible) {
      setTyping('');
      appendDelta(data.messageId, data.text || '');
    }
  } else if (ev.name === 'reply.completed' && data.message) {
    send.replyId = data.message.id;
    send.finished = true;
    if (visible) upsertMessage(data.message);
  } else if (ev.name === 'error') {
    send.finished = true;
    if (visible) {
      if (send.replyId) markStopped(send);
      $('chat-error').textContent = (data.detail || 'Oviya could not answer.') + ' Your message is saved; send it again to retry.';
    }
  }
  if (visible) scrollToEnd();
}

function setTyping(text) {
  $('typing').textContent = text;
  $('typing').hidden = !text;
}

// ---------------------------------------------------------------------------------------------
// Realtime (GET /v1/realtime, WebSocket): typing indicators both ways and messages from the
// user's other devices. Optional: when the endpoint is missing the chat works exactly the same
// over SSE, and after a few failed attempts the page stops trying.

const realtime = {
  socket: null,
  wanted: false,
  failures: 0,
  timer: null,
  typingSent: 0,
  typingStopTimer: null,
  remoteTypingTimer: null,
  start() {
    this.wanted = true;
    this.failures = 0;
    this.connect();
  },
  // body[data-realtime]: connecting | open | off | unavailable (for styling and tests).
  status(value) {
    document.body.dataset.realtime = value;
  },
  stop() {
    this.wanted = false;
    this.status('off');
    clearTimeout(this.timer);
    if (this.socket) {
      const s = this.socket;
      this.socket = null;
      s.onclose = null;
      try { s.close(1000); } catch (ignored) { /* already closed */ }
    }
  },
  restart() {
    if (!this.wanted) return;
    const old = this.socket;
    this.socket = null;
    if (old) {
      old.onclose = null;
      try { old.close(1000); } catch (ignored) { /* already closed */ }
    }
    this.connect();
  },
  reconnectSoon() {
    if (this.wanted && this.socket === null && this.failures >= 3) {
      this.failures = 0;
      this.connect();
    }
  },
  connect() {
    if (!this.wanted || !session.access || !('WebSocket' in window)) return;
    clearTimeout(this.timer);
    if (session.refresh && Date.now() > session.expiresAt - 30000) {
      refreshTokens().then(() => this.connect(), () => {});
      return;
    }
    const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/v1/realtime';
    let opened = false;
    let socket;
    try {
      // The token travels as a subprotocol, so it stays out of URLs and access logs.
      socket = new WebSocket(url, ['oviya.v1', 'bearer.' + session.access]);
    } catch (ignored) {
      return;
    }
    this.socket = socket;
    this.status('connecting');
    socket.onopen = () => { opened = true; this.failures = 0; this.status('open'); };
    socket.onmessage = (e) => {
      try { this.onFrame(JSON.parse(e.data)); } catch (ignored) { /* not a frame of ours */ }
    };
    socket.onerror = () => { /* onclose follows and decides */ };
    socket.onclose = (e) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.status('off');
      if (!this.wanted) return;
      if (e.code === 4001) {
        // The access token expired: reconnect with a fresh one.
        refreshTokens().then(() => this.connect(), () => {});
        return;
      }
      if (!opened) this.failures++;
      if (this.failures >= 3) {
        this.status('unavailable'); // not offered here; the chat carries on over SSE
        return;
      }
      const delay = Math.min(30000, 1000 * Math.pow(2, this.failures)) + Math.random() * 500;
      this.timer = setTimeout(() => this.connect(), delay);
    };
  },
  send(frame) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  },
  userTyping() {
    if (!state.conversation) return;
    const now = Date.now();
    if (now - this.typingSent > 3000) {
      this.typingSent = now;
      this.send({ type: 'typing', conversationId: state.conversation, state: 'start' });
    }
    clearTimeout(this.typingStopTimer);
    this.typingStopTimer = setTimeout(() => this.userStopped(), 2500);
  },
  userStopped() {
    clearTimeout(this.typingStopTimer);
    if (this.typingSent && state.conversation) this.send({ type: 'typing', conversationId: state.conversation, state: 'stop' });
    this.typingSent = 0;
  },
  onFrame(f) {
    const here = f.conversationId && f.conversationId === state.conversation;
    const mine = state.sending && state.sending.conversationId === f.conversationId;
    switch (f.type) {
      case 'typing':
        if (!here || mine) return;
        clearTimeout(this.remoteTypingTimer);
        if (f.state === 'start') {
          setTyping(f.from === 'assistant' ? 'Oviya is typing…' : 'You are typing on another device…');
          // A lost "stop" must not leave the indicator on for ever.
          this.remoteTypingTimer = setTimeout(() => setTyping(''), 15000);
        } else {
          setTyping('');
        }
        return;
      case 'message.created':
      case 'reply.completed':
        if (here && f.message && !(mine && f.type === 'message.created')) {
          upsertMessage(f.message);
          if (f.type === 'reply.completed') setTyping('');
          scrollToEnd();
        }
        if (!here || f.type === 'reply.completed') scheduleConversationRefresh();
        return;
      case 'reply.delta':
        // This page's own reply arrives over SSE; the socket shows the other devices' replies.
        if (here && !mine && f.messageId) {
          // A late piece of a reply this page already has in full (over SSE) changes nothing.
          const known = $('messages').querySelector('.msg[data-id="' + cssId(f.messageId) + '"]');
          if (known && known.dataset.status !== 'streaming') return;
          setTyping('');
          appendDelta(f.messageId, f.text || '');
          scrollToEnd();
        }
        return;
      case 'session.expiring':
        // The server closes the socket (4001) when the access token expires: move to a fresh one first.
        refreshTokens().then(() => this.restart(), () => {});
        return;
      case 'error':
        if (f.detail) console.info('realtime:', f.code, f.detail);
        return;
      default:
    }
  }
};

let conversationRefresh = null;
function scheduleConversationRefresh() {
  clearTimeout(conversationRefresh);
  conversationRefresh = setTimeout(() => loadConversations().catch(() => {}), 500);
}

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') realtime.reconnectSoon();
});

// ---------------------------------------------------------------------------------------------
// Memories: list, semantic search, remember, forget one, forget all.

$('show-memories').addEventListener('click', () => {
  $('chat').hidden = true;
  $('memories').hidden = false;
  $('memory-query').value = '';
  state.memoryQuery = '';
  loadMemories().catch(showMemoryError);
  $('remember-content').focus();
});
$('close-memories').addEventListener('click', () => {
  $('memories').hidden = true;
  $('chat').hidden = false;
  $('content').focus();
});

function showMemoryError(e) {
  $('memory-error').textContent = e instanceof ApiError ? e.message : 'Could not reach Oviya; check your connection.';
}

async function loadMemories(more = false) {
  $('memory-error').textContent = '';
  const q = state.memoryQuery;
  let url = '/v1/memories?limit=50';
  if (q) url += '&query=' + encodeURIComponent(q);
  else if (more && state.memoriesCursor) url += '&cursor=' + encodeURIComponent(state.memoriesCursor);
  const page = await api(url);
  const list = $('memory-list');
  if (!more) list.replaceChildren();
  for (const m of page.items) list.appendChild(memoryItem(m));
  state.memoriesCursor = page.nextCursor;
  $('more-memories').hidden = !page.nextCursor || !!q;
  if (!list.children.length) {
    const li = document.createElement('li');
    li.className = 'empty';
    li.textContent = q ? 'Nothing close to "' + q + '".' : 'Nothing yet. Tell Oviya about yourself, or add something above.';
    list.appendChild(li);
  }
}
$('more-memories').addEventListener('click', () => loadMemories(true).catch(showMemoryError));

function memoryItem(m) {
  const li = document.createElement('li');
  li.className = 'memory';
  li.dataset.id = m.id;
  const text = document.createElement('span');
  text.className = 'text';
  text.textContent = m.content;
  const meta = document.createElement('span');
  meta.className = 'meta';
  const parts = [m.kind, m.createdAt ? new Date(m.createdAt).toLocaleDateString() : null];
  if (m.score != null) parts.push(Math.round(m.score * 100) + '% match');
  meta.textContent = parts.filter(Boolean).join(' · ');
  const forget = document.createElement('button');
  forget.className = 'ghost';
  forget.textContent = 'Forget';
  forget.setAttribute('aria-label', 'Forget: ' + m.content);
  forget.addEventListener('click', async () => {
    forget.disabled = true;
    try {
      await api('/v1/memories/' + m.id, { method: 'DELETE' });
      li.remove();
      if (!$('memory-list').children.length) loadMemories().catch(showMemoryError);
    } catch (e) {
      forget.disabled = false;
      showMemoryError(e);
    }
  });
  li.append(text, meta, forget);
  return li;
}

$('memory-search-form').addEventListener('submit', (e) => {
  e.preventDefault();
  state.memoryQuery = $('memory-query').value.trim();
  loadMemories().catch(showMemoryError);
});
$('memory-query').addEventListener('search', () => {
  // The clear (×) button of a search field.
  if (!$('memory-query').value) { state.memoryQuery = ''; loadMemories().catch(showMemoryError); }
});

$('remember-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const content = $('remember-content').value.trim();
  if (!content) {
    $('memory-error').textContent = 'Write something for Oviya to remember first.';
    return;
  }
  setBusy($('remember-form'), true);
  try {
    await api('/v1/memories', { method: 'POST', body: JSON.stringify({ content }) });
    $('remember-content').value = '';
    state.memoryQuery = '';
    $('memory-query').value = '';
    await loadMemories();
  } catch (err) {
    showMemoryError(err);
  } finally {
    setBusy($('remember-form'), false);
  }
});

$('forget-all').addEventListener('click', async () => {
  if (!window.confirm('Forget everything Oviya remembers about you? This cannot be undone.')) return;
  try {
    await api('/v1/memories', { method: 'DELETE' });
    await loadMemories();
  } catch (e) {
    showMemoryError(e);
  }
});

// ---------------------------------------------------------------------------------------------

session.load();
if (session.refresh || session.access) {
  startApp();
}
