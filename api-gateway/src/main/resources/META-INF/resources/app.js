// Oviya web chat: plain JavaScript against the public API (API.md), no build step.
'use strict';

const state = { token: sessionStorage.getItem('oviya.token'), conversation: null, cursor: null };
const $ = (id) => document.getElementById(id);

async function api(path, options = {}) {
  const headers = Object.assign({ 'Content-Type': 'application/json', Accept: 'application/json' }, options.headers || {});
  if (state.token) headers.Authorization = 'Bearer ' + state.token;
  const res = await fetch(path, Object.assign({}, options, { headers }));
  if (res.status === 401 && state.token) { logout(); throw new Error('Your session has ended; please log in again.'); }
  if (res.status === 204) return null;
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.detail || body.title || ('HTTP ' + res.status));
  return body;
}

function showApp(user) {
  $('auth').hidden = true;
  $('app').hidden = false;
  $('logout').hidden = false;
  $('who').textContent = user ? (user.displayName + ' · ' + user.plan + ' plan') : '';
  loadConversations();
}

function logout() {
  state.token = null;
  sessionStorage.removeItem('oviya.token');
  $('app').hidden = true;
  $('auth').hidden = false;
  $('logout').hidden = true;
  $('who').textContent = '';
}

$('auth-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const mode = event.submitter ? event.submitter.dataset.mode : 'login';
  const body = { email: $('email').value, password: $('password').value };
  if (mode === 'register' && $('display-name').value) body.displayName = $('display-name').value;
  $('auth-error').textContent = '';
  try {
    const tokens = await api('/v1/auth/' + mode, { method: 'POST', body: JSON.stringify(body) });
    state.token = tokens.accessToken;
    sessionStorage.setItem('oviya.token', state.token);
    showApp(tokens.user);
  } catch (e) {
    $('auth-error').textContent = e.message;
  }
});

$('logout').addEventListener('click', logout);

async function loadConversations() {
  const page = await api('/v1/conversations?limit=50');
  const list = $('conversations');
  list.replaceChildren();
  for (const c of page.items) {
    const li = document.createElement('li');
    li.textContent = c.title;
    li.dataset.id = c.id;
    li.addEventListener('click', () => openConversation(c.id));
    if (state.conversation === c.id) li.classList.add('active');
    list.appendChild(li);
  }
  if (!state.conversation && page.items.length) openConversation(page.items[0].id);
}

$('new-conversation').addEventListener('click', async () => {
  const c = await api('/v1/conversations', { method: 'POST', body: JSON.stringify({ title: 'Chat of ' + new Date().toLocaleDateString() }) });
  state.conversation = c.id;
  await loadConversations();
  openConversation(c.id);
});

function bubble(m) {
  const div = document.createElement('div');
  div.className = 'msg ' + m.role + (m.status === 'partial' ? ' partial' : '');
  div.dataset.id = m.id;
  div.textContent = m.content;
  const meta = document.createElement('span');
  meta.className = 'meta';
  meta.textContent = new Date(m.createdAt).toLocaleTimeString() + (m.emotion ? ' · you seemed ' + m.emotion.label : '');
  div.appendChild(meta);
  return div;
}

async function openConversation(id) {
  state.conversation = id;
  state.cursor = null;
  for (const li of $('conversations').children) li.classList.toggle('active', li.dataset.id === id);
  const box = $('messages');
  box.replaceChildren($('older'));
  await loadOlder();
  box.scrollTop = box.scrollHeight;
}

// Infinite scroll upwards through the keyset cursor.
async function loadOlder() {
  const url = '/v1/conversations/' + state.conversation + '/messages?limit=30' + (state.cursor ? '&cursor=' + encodeURIComponent(state.cursor) : '');
  const page = await api(url);
  const box = $('messages');
  const anchor = $('older').nextSibling;
  for (const m of page.items.slice().reverse()) box.insertBefore(bubble(m), anchor);
  state.cursor = page.nextCursor;
  $('older').hidden = !state.cursor;
}
$('older').addEventListener('click', loadOlder);
$('messages').addEventListener('scroll', () => { if ($('messages').scrollTop === 0 && state.cursor) loadOlder(); });

// Sends a message and reads the SSE reply stream (POST, so fetch rather than EventSource).
$('send-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const content = $('content').value.trim();
  if (!content || !state.conversation) return;
  $('content').value = '';
  $('chat-error').textContent = '';
  const box = $('messages');
  let replyDiv = null;
  try {
    const res = await fetch('/v1/conversations/' + state.conversation + '/messages', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', Authorization: 'Bearer ' + state.token,
        'Idempotency-Key': crypto.randomUUID() },
      body: JSON.stringify({ content })
    });
    if (!res.ok) {
      const problem = await res.json().catch(() => ({}));
      throw new Error(problem.detail || ('HTTP ' + res.status));
    }
    $('typing').hidden = false;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const raw = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const ev = { name: 'message', data: '' };
        for (const line of raw.split('\n')) {
          if (line.startsWith('event:')) ev.name = line.slice(6).trim();
          else if (line.startsWith('data:')) ev.data += line.slice(5);
        }
        const data = ev.data ? JSON.parse(ev.data) : {};
        if (ev.name === 'message.created') {
          box.appendChild(bubble(data.message));
        } else if (ev.name === 'reply.delta') {
          if (!replyDiv) { replyDiv = bubble({ role: 'assistant', content: '', createdAt: new Date().toISOString(), id: data.messageId }); box.appendChild(replyDiv); }
          replyDiv.firstChild.nodeValue = (replyDiv.firstChild.nodeValue || '') + data.text;
        } else if (ev.name === 'reply.completed') {
          const done = bubble(data.message);
          if (replyDiv) replyDiv.replaceWith(done); else box.appendChild(done);
          replyDiv = done;
        } else if (ev.name === 'error') {
          $('chat-error').textContent = data.detail || 'Oviya could not answer; your message is saved, please retry.';
        }
        box.scrollTop = box.scrollHeight;
      }
    }
  } catch (e) {
    $('chat-error').textContent = e.message;
  } finally {
    $('typing').hidden = true;
    loadConversations();
  }
});

$('show-memories').addEventListener('click', async () => {
  const page = await api('/v1/memories?limit=100');
  const list = $('memory-list');
  list.replaceChildren();
  for (const m of page.items) {
    const li = document.createElement('li');
    li.textContent = m.content + ' ';
    const forget = document.createElement('button');
    forget.textContent = 'Forget';
    forget.addEventListener('click', async () => { await api('/v1/memories/' + m.id, { method: 'DELETE' }); li.remove(); });
    li.appendChild(forget);
    list.appendChild(li);
  }
  if (!page.items.length) list.innerHTML = '<li>Nothing yet. Tell Oviya about yourself.</li>';
  $('chat').hidden = true;
  $('memories').hidden = false;
});
$('close-memories').addEventListener('click', () => { $('memories').hidden = true; $('chat').hidden = false; });

if (state.token) {
  api('/v1/me').then(showApp).catch(logout);
}
