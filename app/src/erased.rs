//! Type-erased views without the async-hydration code.
//!
//! `AnyView` keeps a pointer to every method of the view it erases, including
//! `hydrate_async` — the path Leptos uses for lazy routes and islands. This app hydrates
//! synchronously (`hydrate_body`), so that code never runs, yet for every erased view it was
//! compiled into the WASM bundle: about an eighth of the bundle. A view wrapped in
//! [`SyncHydrated`] answers `hydrate_async` with the synchronous `hydrate`, so the async copy of its
//! tree is never instantiated. Everything else passes straight through.
//!
//! Use [`erase`] (or [`Erase::erase`]) wherever a view must be type-erased: branches of a
//! `match`, route views, children.

use leptos::prelude::*;
use leptos::tachys::html::attribute::{any_attribute::AnyAttribute, Attribute};
use leptos::tachys::hydration::Cursor;
use leptos::tachys::ssr::StreamBuilder;
use leptos::tachys::view::{add_attr::AddAnyAttr, Position, PositionState, Render, RenderHtml};

/// A view whose `hydrate_async` is its synchronous `hydrate`.
pub struct SyncHydrated<V>(pub V);

/// Erases a view's type without compiling its async-hydration path.
pub fn erase<V: RenderHtml + Send + 'static>(view: V) -> AnyView {
    SyncHydrated(view).into_any()
}

/// `.erase()` in place of `.into_any()`.
pub trait Erase {
    fn erase(self) -> AnyView;
}

impl<V: RenderHtml + Send + 'static> Erase for V {
    fn erase(self) -> AnyView {
        erase(self)
    }
}

impl<V: Render> Render for SyncHydrated<V> {
    type State = V::State;

    fn build(self) -> Self::State {
        self.0.build()
    }

    fn rebuild(self, state: &mut Self::State) {
        self.0.rebuild(state)
    }
}

impl<V: AddAnyAttr> AddAnyAttr for SyncHydrated<V> {
    type Output<SomeNewAttr: Attribute> = SyncHydrated<V::Output<SomeNewAttr>>;

    fn add_any_attr<NewAttr: Attribute>(self, attr: NewAttr) -> Self::Output<NewAttr>
    where
        Self::Output<NewAttr>: RenderHtml,
    {
        SyncHydrated(self.0.add_any_attr(attr))
    }
}

impl<V: RenderHtml> RenderHtml for SyncHydrated<V> {
    // Resolving is server-side rendering's business: the resolved view is not hydrated.
    type AsyncOutput = V::AsyncOutput;
    type Owned = SyncHydrated<V::Owned>;

    const MIN_LENGTH: usize = V::MIN_LENGTH;
    const EXISTS: bool = V::EXISTS;

    fn dry_resolve(&mut self) {
        self.0.dry_resolve()
    }

    async fn resolve(self) -> Self::AsyncOutput {
        self.0.resolve().await
    }

    fn html_len(&self) -> usize {
        self.0.html_len()
    }

    fn to_html_with_buf(
        self,
        buf: &mut String,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) {
        self.0
            .to_html_with_buf(buf, position, escape, mark_branches, extra_attrs)
    }

    fn to_html_async_with_buf<const OUT_OF_ORDER: bool>(
        self,
        buf: &mut StreamBuilder,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) where
        Self: Sized,
    {
        self.0
            .to_html_async_with_buf::<OUT_OF_ORDER>(buf, position, escape, mark_branches, extra_attrs)
    }

    fn hydrate<const FROM_SERVER: bool>(self, cursor: &Cursor, position: &PositionState) -> Self::State {
        self.0.hydrate::<FROM_SERVER>(cursor, position)
    }

    async fn hydrate_async(self, cursor: &Cursor, position: &PositionState) -> Self::State {
        self.0.hydrate::<true>(cursor, position)
    }

    fn into_owned(self) -> Self::Owned {
        SyncHydrated(self.0.into_owned())
    }
}
